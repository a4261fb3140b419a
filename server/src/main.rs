use clap::Parser;

use parlor::cli::{AdminCommand, ApiKeyCommand, Cli, Command, LogFormat, StorageArgs};
use parlor::config::Config;
use parlor::service::{sessions, workspace, Context};
use parlor::startup::{shutdown_signal, Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            parlor::telemetry::init(args.log_format);
            let mut config = Config::new(args.listen, &args.storage, args.public_url.clone())?
                .with_files(&args.files)?
                .with_mail(&args.mail)?
                .with_sign_in(&args.sign_in)?
                .with_limits(&args.limits)?;
            config.site_dir = args.site_dir.clone();
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
                AdminCommand::ApiKey {
                    command: ApiKeyCommand::Create(args),
                } => {
                    let ctx = admin_context(&args.storage).await?;
                    let key = sessions::create_api_key(&ctx, &args.name).await?;
                    println!("Created API key {:?}. Send it in the X-API-Key header; it is shown only now:", args.name);
                    println!("{key}");
                    Ok(())
                }
            }
        }
    }
}

/// The service context for one-off admin commands: storage, no listener.
async fn admin_context(storage: &StorageArgs) -> anyhow::Result<Context> {
    let config = Config::new("127.0.0.1:0".parse()?, storage, None)?;
    let store = parlor::storage::Store::connect(&config.database).await?;
    Context::new(store, config)
}
