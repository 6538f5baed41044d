//! `yitu-server`: the district server and its administration commands.

use anyhow::{Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use yitu_domain::command::role::Role;
use yitu_server::{http::now_ms, telemetry, Store};

#[derive(Parser)]
#[command(
    name = "yitu-server",
    version,
    about = "一图 yitu — the district server"
)]
struct Cli {
    /// sqlite://FILE (embedded, created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "YITU_SERVER_DB",
        default_value = "sqlite://yitu-server.sqlite"
    )]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync protocol over HTTP, or HTTPS with a certificate and key.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: String,
        /// The certificate chain (PEM) to serve HTTPS with.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// Take SL 651-2014 frames from monitoring stations on this TCP address (e.g.
        /// 0.0.0.0:5005).
        #[arg(long)]
        sl651_listen: Option<String>,
        /// Subscribe to geohazard devices' messages at this broker (mqtt://HOST[:PORT]).
        #[arg(long)]
        mqtt: Option<String>,
        /// The topic filter; a topic's segment names the device type (gnss/GP, crack/LF,
        /// tilt/QJ, rain, moisture).
        #[arg(long, default_value = "hechuan/geohazard/#")]
        mqtt_topic: String,
        /// The persistent session's client id at the broker (the same at every start).
        #[arg(long, default_value = "yitu-server")]
        mqtt_client_id: String,
        /// A reading arriving more than this many minutes after it was observed is kept as
        /// historical: drawn, never alarmed on.
        #[arg(long, default_value_t = 60)]
        lateness_min: i64,
    },
    /// Monitoring readings: what was refused, what a station sent, and a simulator.
    Telemetry {
        #[command(subcommand)]
        what: TelemetryCommand,
    },
    /// Users and their roles.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// A one-time enrolment code for a user's new device (valid 24 h).
    EnrolCode { user: String },
    /// Every enrolment attempt, oldest first: time (ms), the label the desk gave, enrolled or
    /// refused. Five wrong codes within ten minutes from one address pause that address, ten
    /// from all of them pause enrolment for everyone.
    EnrolAttempts,
    /// Enrolled devices.
    Device {
        #[command(subcommand)]
        what: DeviceCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user in a role, with a password (asked at the terminal, or read from standard
    /// input): the desks check it offline against its argon2id hash, which syncs with the user.
    Add {
        name: String,
        /// The role's code (or its Chinese label).
        #[arg(long, value_parser = role_parser())]
        role: Role,
        /// Read the password as the first line of standard input, without asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user a new password (asked, or read from standard input).
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user another role (the desks take it at their next sync).
    Role {
        name: String,
        #[arg(long, value_parser = role_parser())]
        role: Role,
    },
    /// Remove a user: gone from the desks at their next sync, their devices refused.
    Remove { name: String },
    /// List the users: name, role, whether a password is set, last changed (Unix ms).
    List,
}

/// A new password: asked twice at a terminal (not echoed), else the first line of standard
/// input (`--password-stdin`, or input that is no terminal).
fn new_password(name: &str, from_stdin: bool) -> Result<String> {
    use std::io::IsTerminal;
    let password = if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password(format!("password for {name}: "))?;
        let again = rpassword::prompt_password("again: ")?;
        if first != again {
            anyhow::bail!("the two passwords differ: nothing changed");
        }
        first
    };
    if password.is_empty() {
        anyhow::bail!("a password is needed (an empty line was read): nothing changed");
    }
    Ok(password)
}

/// `--role`: the codes of [`Role`] (its Chinese labels accepted too), listed by `--help`.
fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(
        Role::ALL
            .iter()
            .map(|r| PossibleValue::new(r.code()).alias(r.zh()).help(r.zh())),
    )
    .map(|s| Role::from_code(&s).expect("a possible value is a role's code or label"))
}

#[derive(Subcommand)]
enum TelemetryCommand {
    /// Frames and messages refused, oldest first: time, source, sender, why, first bytes.
    Refused,
    /// A station's readings held: observation time (Beijing), element, value.
    Readings { station: String },
    /// Send simulated readings (for tests and drills): a rain day from `--stations` rain
    /// gauges to an SL 651 listener, or `--devices` geohazard devices' messages to a broker.
    Simulate {
        /// An SL 651 listener's address (HOST:PORT).
        #[arg(long, required_unless_present = "mqtt")]
        sl651: Option<String>,
        /// A broker (mqtt://HOST[:PORT]).
        #[arg(long)]
        mqtt: Option<String>,
        /// The topic prefix messages are published under (the device type and id follow).
        #[arg(long, default_value = "hechuan/geohazard")]
        topic_prefix: String,
        /// Rain gauges (SL 651) or devices (MQTT) to simulate.
        #[arg(long, default_value_t = 3)]
        stations: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The first observation (Unix ms); by default 23 hours ago, so the last reports are
        /// live and the earlier ones historical.
        #[arg(long)]
        start_ms: Option<i64>,
        /// A pause between one station's frames (ms).
        #[arg(long, default_value_t = 0)]
        pace_ms: u64,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// List devices: id, user, label, revoked, last sequence.
    List,
    /// Revoke a device: it can no longer push or pull.
    Revoke { id: String },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The causes in one line, not a backtrace: this is what an administrator reads.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let store = Store::open(&cli.db)
        .await
        .with_context(|| format!("opening {}", redact(&cli.db)))?;
    match cli.command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            sl651_listen,
            mqtt,
            mqtt_topic,
            mqtt_client_id,
            lateness_min,
        } => {
            // The certificate is read before the port is taken: a wrong path fails at once.
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(yitu_server::tls::config(&cert, &key).await?),
                _ => None,
            };
            let mqtt = mqtt
                .map(|url| telemetry::mqtt::Settings::parse(&url, &mqtt_client_id, &mqtt_topic))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let lateness = yitu_domain::monitoring::Lateness {
                after_ms: lateness_min.max(0) * 60_000,
            };
            let intake = telemetry::Intake::start(store.clone(), now_ms);
            if let Some(addr) = sl651_listen {
                let stations = tokio::net::TcpListener::bind(&addr)
                    .await
                    .with_context(|| format!("listening for SL 651 stations on {addr}"))?;
                tracing::info!(addr = %stations.local_addr()?, "taking SL 651 frames");
                let listener = telemetry::sl651::Listener {
                    intake: intake.clone(),
                    store: store.clone(),
                    clock: now_ms,
                    lateness,
                };
                tokio::spawn(async move {
                    if let Err(e) = listener.serve(stations).await {
                        tracing::error!(error = %e, "the SL 651 listener stopped");
                    }
                });
            }
            if let Some(settings) = mqtt {
                tracing::info!(broker = %settings.host, topic = %settings.topic, "subscribing to MQTT");
                tokio::spawn(telemetry::mqtt::subscribe(
                    settings,
                    intake.clone(),
                    store.clone(),
                    now_ms,
                    lateness,
                ));
            }
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            let scheme = if tls.is_some() { "https" } else { "http" };
            tracing::info!(addr = %listener.local_addr()?, scheme, db = %redact(&cli.db), "serving");
            match tls {
                Some(config) => yitu_server::tls::serve(listener, store, config).await?,
                None => yitu_server::serve(listener, store).await?,
            }
        }
        Command::Telemetry { what } => telemetry_command(&store, what).await?,
        Command::User { what } => match what {
            UserCommand::Add {
                name,
                role,
                password_stdin,
            } => {
                let password = new_password(&name, password_stdin)?;
                store
                    .add_user_with_password(&name, role, &password, now_ms())
                    .await?;
                println!("added {name} ({role})");
            }
            UserCommand::Passwd {
                name,
                password_stdin,
            } => {
                let password = new_password(&name, password_stdin)?;
                store.set_password(&name, &password, now_ms()).await?;
                println!("password of {name} changed");
            }
            UserCommand::Role { name, role } => {
                store.set_role(&name, role, now_ms()).await?;
                println!("{name} is now {role}");
            }
            UserCommand::Remove { name } => {
                store.remove_user(&name, now_ms()).await?;
                println!("removed {name}");
            }
            UserCommand::List => {
                for u in store.users().await? {
                    let password = if u.password_hash.is_some() {
                        "password"
                    } else {
                        "no-password"
                    };
                    println!("{}\t{}\t{password}\t{}", u.name, u.role, u.updated_at_ms);
                }
            }
        },
        Command::EnrolCode { user } => {
            let code = store.enrol_code(&user, now_ms()).await?;
            println!("{code}");
        }
        Command::EnrolAttempts => {
            for a in store.enrol_attempts().await? {
                let outcome = match (a.enrolled, a.limited) {
                    (true, _) => "enrolled",
                    (false, true) => "paused",
                    (false, false) => "wrong-code",
                };
                let peer = a.peer.as_deref().unwrap_or("-");
                println!("{}\t{peer}\t{}\t{outcome}", a.at_ms, a.label);
            }
        }
        Command::Device {
            what: DeviceCommand::List,
        } => {
            for (id, user, label, revoked, last) in store.devices().await? {
                let state = if revoked { "revoked" } else { "active" };
                println!("{id}\t{user}\t{label}\t{state}\t{last}");
            }
        }
        Command::Device {
            what: DeviceCommand::Revoke { id },
        } => {
            store.revoke(&id, now_ms()).await?;
            println!("revoked {id}");
        }
    }
    Ok(())
}

/// The URL without a password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

async fn telemetry_command(store: &Store, what: TelemetryCommand) -> Result<()> {
    use yitu_domain::beijing_time::BeijingTime;
    match what {
        TelemetryCommand::Refused => {
            for r in store.telemetry_refusals().await? {
                let at = BeijingTime::from_unix_ms(r.at_ms).datetime();
                println!("{at}\t{}\t{}\t{}\t{}", r.source, r.peer, r.reason, r.head);
            }
        }
        TelemetryCommand::Readings { station } => {
            let readings = store.readings_of(&station).await?;
            if readings.is_empty() {
                anyhow::bail!("no readings held for station {station:?}");
            }
            for r in readings {
                let at = BeijingTime::from_unix_ms(r.observed_at_ms).datetime();
                let late = if r.historical { "\t历史补报" } else { "" };
                println!(
                    "{at}\t{}\t{}\t{}{late}",
                    r.element.label(),
                    r.value,
                    r.element.unit()
                );
            }
        }
        TelemetryCommand::Simulate {
            sl651,
            mqtt,
            topic_prefix,
            stations,
            seed,
            start_ms,
            pace_ms,
        } => {
            use yitu_telemetry::sl651::StationAddress;
            // A whole minute, as stations report.
            let start = start_ms.unwrap_or_else(|| (now_ms() - 23 * 3_600_000) / 60_000 * 60_000);
            if let Some(addr) = sl651 {
                let mut sent = 0;
                let mut confirmed = 0;
                for i in 0..stations {
                    let mut address = [0u8; 5];
                    address[1..].copy_from_slice(&(9_000_000 + i).to_be_bytes());
                    let frames = yitu_telemetry::simulate::rain_day(
                        seed + u64::from(i),
                        StationAddress(address),
                        start,
                    );
                    sent += frames.len();
                    confirmed += telemetry::simulate::send_frames(
                        &addr,
                        &frames,
                        std::time::Duration::from_millis(pace_ms),
                        telemetry::simulate::CONFIRM_WAIT,
                    )
                    .await
                    .with_context(|| format!("sending to {addr}"))?;
                }
                println!(
                    "{sent} frames sent from {stations} simulated stations, {confirmed} confirmed"
                );
            }
            if let Some(url) = mqtt {
                let settings = telemetry::mqtt::Settings::parse(&url, "yitu-simulator", "#")
                    .map_err(anyhow::Error::msg)?;
                let mut messages = Vec::new();
                for i in 0..stations {
                    let kind = yitu_telemetry::device::DeviceType::ALL[i as usize % 5];
                    let code = ["GP", "LF", "QJ", "rain", "moisture"][i as usize % 5];
                    let id = format!("SIM{:05}", i + 1);
                    for payload in yitu_telemetry::simulate::device_payloads(
                        seed + u64::from(i),
                        kind,
                        &id,
                        start,
                        24,
                        3_600_000,
                    ) {
                        messages.push((format!("{topic_prefix}/{code}/{id}"), payload));
                    }
                }
                let n = telemetry::simulate::publish(
                    &settings.host,
                    settings.port,
                    &format!("yitu-simulator-{seed}"),
                    messages,
                )
                .await
                .map_err(anyhow::Error::msg)?;
                println!("{n} messages published from {stations} simulated devices");
            }
        }
    }
    Ok(())
}
