//! yitu's district server: users and roles, device enrolment, and the sync protocol (hello,
//! push, pull, snapshot) over PostgreSQL or embedded SQLite. The merge rules themselves are
//! `yitu_domain::sync`; this crate stores changes and answers requests.

pub mod countersign;
mod error;
pub mod http;
pub mod readings;
mod secret;
mod snapshot;
pub mod store;
pub mod telemetry;
pub mod tls;

pub use error::Error;
pub use store::Store;

/// Serves `store` on an already bound listener until the process ends (tests bind port 0 and
/// hand the listener over, so no one waits for a port). Each request knows the address it came
/// from: enrolment counts wrong codes per address.
pub async fn serve(listener: tokio::net::TcpListener, store: Store) -> std::io::Result<()> {
    let app = http::App {
        store,
        clock: http::now_ms,
    };
    let service = http::router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).await
}
