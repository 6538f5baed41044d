//! HTTPS served by the server itself (`serve --tls-cert F --tls-key F`), for a district with
//! no reverse proxy to end TLS. rustls on the `ring` provider: aws-lc, rustls's default, needs
//! cmake and nasm on the build machines.

use crate::store::Store;
use crate::Error;
use axum_server::tls_rustls::RustlsConfig;
use std::path::Path;

/// A certificate chain and its private key, both PEM, read and checked before serving: a file
/// that is missing or not what it should be is named in the error.
pub async fn config(cert: &Path, key: &Path) -> Result<RustlsConfig, Error> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| Error::TlsFile {
            path: path.to_owned(),
            source,
        })
    };
    let (cert_pem, key_pem) = (read(cert)?, read(key)?);
    // One provider for the process: rustls refuses to choose when none is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    RustlsConfig::from_pem(cert_pem, key_pem)
        .await
        .map_err(|source| Error::TlsPem {
            cert: cert.to_owned(),
            key: key.to_owned(),
            source,
        })
}

/// Serves `store` over HTTPS on an already bound listener until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    config: RustlsConfig,
) -> std::io::Result<()> {
    let app = crate::http::router(crate::http::App {
        store,
        clock: crate::http::now_ms,
    });
    axum_server::from_tcp_rustls(listener.into_std()?, config)?
        // The peer's address, as over plain HTTP (`crate::serve`): enrolment counts per address.
        .serve(app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}
