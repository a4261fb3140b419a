//! The names a template (a saved reply, a mass message sent with
//! `renderVariables`) is filled in with, for the conversation it goes to.
//! The rule is the welcome message's: an individual channel's client is
//! named; a channel of several clients (group, company) greets "everyone"
//! and names its company. The company of one client is the first of theirs
//! the sender sees, so limited staff never read the name of a company
//! outside their access list.

use crate::authz::Scope;
use crate::domain::channel::MembershipType;
use crate::domain::message::MessageText;
use crate::domain::settings::{render_welcome, validate_template, WelcomeContext};
use crate::error::Result;
use crate::storage::channels::ChannelRow;
use crate::storage::clients::ClientRow;
use crate::storage::{self, Conn};

/// The values of a template's variables.
#[derive(Debug, Clone, Default)]
pub struct TemplateValues {
    pub client_given_name: String,
    pub client_family_name: String,
    pub company_name: String,
    pub workspace_name: String,
}

impl TemplateValues {
    pub fn render(&self, template: &str) -> String {
        render_welcome(
            template,
            &WelcomeContext {
                client_given_name: &self.client_given_name,
                client_family_name: &self.client_family_name,
                company_name: &self.company_name,
                workspace_name: &self.workspace_name,
            },
        )
    }
}

async fn workspace_name(conn: &mut Conn) -> Result<String> {
    Ok(super::workspace::load(conn).await?.brand_name)
}

/// For a client the sender (`scope`) sees.
pub async fn for_client(
    conn: &mut Conn,
    scope: &Scope,
    client: &ClientRow,
) -> Result<TemplateValues> {
    let workspace_name = workspace_name(conn).await?;
    for_client_in(conn, scope, client, workspace_name).await
}

async fn for_client_in(
    conn: &mut Conn,
    scope: &Scope,
    client: &ClientRow,
    workspace_name: String,
) -> Result<TemplateValues> {
    let mut company_name = String::new();
    for company in storage::clients::company_ids(conn, &client.id).await? {
        if let Some(row) = storage::companies::get_visible(conn, scope, &company).await? {
            company_name = row.name;
            break;
        }
    }
    Ok(TemplateValues {
        client_given_name: client.given_name.clone(),
        client_family_name: client.family_name.clone(),
        company_name,
        workspace_name,
    })
}

/// For a channel the sender (`scope`) sees.
pub async fn for_channel(
    conn: &mut Conn,
    scope: &Scope,
    channel: &ChannelRow,
) -> Result<TemplateValues> {
    if channel.membership_type == MembershipType::Individual {
        if let Some(client_id) = &channel.client_id {
            if let Some(client) = storage::clients::get(conn, client_id).await? {
                return for_client(conn, scope, &client).await;
            }
        }
    }
    let company_name = match &channel.company_id {
        Some(id) => storage::companies::get(conn, id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(TemplateValues {
        client_given_name: "everyone".into(),
        client_family_name: String::new(),
        company_name,
        workspace_name: workspace_name(conn).await?,
    })
}

/// A mass message's text, rendered for each recipient when the request asks
/// for it (`renderVariables`) and sent as written otherwise, as before.
pub struct MassText {
    text: MessageText,
    /// The workspace's name, when rendering.
    workspace_name: Option<String>,
    max_chars: usize,
}

impl MassText {
    /// Checks the template once, before any recipient.
    pub async fn prepare(
        ctx: &super::Context,
        conn: &mut Conn,
        text: &MessageText,
        render_variables: bool,
    ) -> Result<MassText> {
        let max_chars = ctx.config.max_message_chars;
        let workspace_name = match render_variables {
            true => {
                validate_template("text", text.as_str(), max_chars)?;
                Some(workspace_name(conn).await?)
            }
            false => None,
        };
        Ok(MassText {
            text: text.clone(),
            workspace_name,
            max_chars,
        })
    }

    /// The text as `client_id` (whom the sender, `scope`, sees) receives it.
    pub async fn for_client(
        &self,
        conn: &mut Conn,
        scope: &Scope,
        client_id: &str,
    ) -> Result<MessageText> {
        let Some(workspace_name) = &self.workspace_name else {
            return Ok(self.text.clone());
        };
        let Some(client) = storage::clients::get(conn, client_id).await? else {
            return Ok(self.text.clone());
        };
        let values = for_client_in(conn, scope, &client, workspace_name.clone()).await?;
        // Blank text was accepted only because the message carries files.
        let files_only = self.text.as_str().trim().is_empty();
        MessageText::parse_with_files(
            &values.render(self.text.as_str()),
            self.max_chars,
            files_only,
        )
    }
}
