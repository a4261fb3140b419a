use clap::Parser;

use parlor::cli::{AdminCommand, ApiKeyCommand, Cli, Command, LogFormat, StorageArgs};
use parlor::config::Config;
use parlor::domain::api_key::{ApiKey, CreateApiKey};
use parlor::domain::audit::Action;
use parlor::domain::Timestamp;
use parlor::service::{api_keys, audit, workspace, Context};
use parlor::startup::{shutdown_signal, Application};
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            parlor::telemetry::init(args.log_format);
            let mut config = Config::new(args.listen, &args.storage, args.public_url.clone())?
                .with_files(&args.files)?
                .with_mail(&args.mail)?
                .with_inbound(&args.inbound)?
                .with_sign_in(&args.sign_in)?
                .with_limits(&args.limits)?
                .with_webhooks(&args.webhooks)
                .with_cluster(&args.cluster)?;
            config.site_dir = args.site_dir.clone();
            config.metrics_listen = args.metrics_listen;
            let app = Application::build(config).await?;
            tracing::info!(address = %app.local_addr(), "Parlor is listening");
            if let Some(url) = &app.setup_url {
                println!("Parlor has no workspace yet. Open this one-time setup link to create it:\n  {url}");
            }
            app.run_until(shutdown_signal()).await
        }
        Command::Admin { command } => {
            parlor::telemetry::init(LogFormat::Pretty);
            match command {
                AdminCommand::Init(args) => {
                    let ctx = admin_context(&args.storage).await?;
                    let password = args.password()?;
                    let request = workspace::SetupRequest {
                        workspace_name: args.workspace_name,
                        email: args.owner_email,
                        password,
                        given_name: args.owner_given_name,
                        family_name: args.owner_family_name,
                    };
                    let owner = workspace::initialise(&ctx, &request).await?;
                    println!("Created the workspace; its owner is internal user {owner}.");
                    Ok(())
                }
                AdminCommand::ApiKey { command } => api_key_command(command).await,
                AdminCommand::Backup(args) => {
                    let config = Config::new("127.0.0.1:0".parse()?, &args.storage, None)?;
                    let store = parlor::storage::Store::connect(&config.database).await?;
                    store.backup(&args.to).await?;
                    let details = json!({ "file": args.to.display().to_string() });
                    by_operator(&store, Action::BackupCreated, details).await?;
                    store.close().await;
                    println!("Wrote a backup of the database to {}", args.to.display());
                    Ok(())
                }
                AdminCommand::Restore(args) => {
                    let config = Config::new("127.0.0.1:0".parse()?, &args.storage, None)?;
                    let kept =
                        parlor::storage::Store::restore(&config.database, &args.from).await?;
                    // Recorded in the database now in place, which is the
                    // one that goes on.
                    let store = parlor::storage::Store::connect(&config.database).await?;
                    let details = json!({
                        "from": args.from.display().to_string(),
                        "replacedKeptAs": kept.as_ref().map(|kept| kept.display().to_string()),
                    });
                    by_operator(&store, Action::BackupRestored, details).await?;
                    store.close().await;
                    println!("Restored the database from {}.", args.from.display());
                    if let Some(kept) = kept {
                        println!("The database it replaced is kept as {}.", kept.display());
                    }
                    Ok(())
                }
            }
        }
    }
}

async fn api_key_command(command: ApiKeyCommand) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create(args) => {
            let ctx = admin_context(&args.storage).await?;
            let request = CreateApiKey {
                name: args.name,
                expires_at: args.expires_at,
                expires_in_days: args.expires_in,
                read_only: args.read_only,
                send_as_others: !args.no_send_as_others,
            };
            let made = api_keys::create_as_operator(&ctx, &request).await?;
            println!(
                "Created API key {:?} ({}). Send it in the X-API-Key header; it is shown only now:",
                made.name,
                describe(&made)
            );
            println!("{}", made.key.unwrap_or_default());
        }
        ApiKeyCommand::List(args) => {
            let ctx = admin_context(&args.storage).await?;
            let keys = api_keys::list_all(&ctx).await?;
            if keys.is_empty() {
                println!("There are no API keys.");
            }
            let width = keys
                .iter()
                .map(|k| k.name.chars().count())
                .max()
                .unwrap_or(0)
                .max(4);
            if !keys.is_empty() {
                println!(
                    "{:width$}  {:20}  {:20}  {:20}  PERMISSIONS",
                    "NAME", "CREATED", "EXPIRES", "LAST USED"
                );
            }
            for key in keys {
                let when = |t: Option<Timestamp>| {
                    t.map_or("never".to_string(), |t| {
                        t.to_rfc3339()[..19].replace('T', " ")
                    })
                };
                let mut expires = when(key.expires_at);
                if key.expired {
                    expires.push_str(" (expired)");
                }
                println!(
                    "{:width$}  {:20}  {:20}  {:20}  {}",
                    key.name,
                    when(Some(key.created_at)),
                    expires,
                    when(key.last_used_at),
                    describe(&key)
                );
            }
        }
        ApiKeyCommand::Revoke(args) => {
            let ctx = admin_context(&args.storage).await?;
            let revoked = api_keys::revoke_by_name(&ctx, &args.name).await?;
            println!(
                "Revoked API key {:?}; it is refused from now on.",
                revoked.name
            );
        }
    }
    Ok(())
}

/// A key's permissions in words.
fn describe(key: &ApiKey) -> String {
    let access = if key.read_only {
        "read-only"
    } else {
        "read and write"
    };
    let sender = if key.send_as_others {
        "may send as others"
    } else {
        "sends only as itself"
    };
    format!("{access}, {sender}")
}

/// Records in the audit log what the operator did outside any change of the
/// database's own.
async fn by_operator(
    store: &parlor::storage::Store,
    action: Action,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    audit::record_alone(store, &audit::Source::command_line(), action, None, details).await?;
    Ok(())
}

/// The service context for one-off admin commands: storage, no listener.
async fn admin_context(storage: &StorageArgs) -> anyhow::Result<Context> {
    let config = Config::new("127.0.0.1:0".parse()?, storage, None)?;
    let store = parlor::storage::Store::connect(&config.database).await?;
    Context::new(store, config, None)
}
