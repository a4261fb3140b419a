//! The web app's server functions, answered by the same use cases and
//! authorisation as the /v1 API. Pages send the session cookie; writes must
//! also come from a page of this server (checked by `Origin`), which stands in
//! for the API's CSRF header: server functions are plain same-origin POSTs.

use crate::auth::address::client_address;
use axum::http::request::Parts;
use axum::http::Method;
use axum_extra::extract::cookie::Cookie;
use std::collections::HashMap;
use std::future::Future;

use parlor_app::model::{
    ApiKeyInfo, AppError, ChannelSummary, ClientActivity, ClientChannels, ClientSummary,
    CompanySummary, Conversation, Directory, EmailPreferences, Invitation, Me, Message,
    MessagePage, NewApiKey, NewClient, Notice, Person, SessionStart, Settings, Setup,
};
use parlor_app::portal::{Portal, SignedIn};
use parlor_app::state::{landing, preview_of};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::extract::{authenticate, same_origin, SESSION_COOKIE};
use crate::auth::{Actor, Credential};
use crate::domain::api_key::CreateApiKey;
use crate::domain::channel::MessageChannel;
use crate::domain::client::Client;
use crate::domain::company::Company;
use crate::domain::settings::{
    render_welcome, validate_welcome, DefaultChannelType, MessagingSettings, WelcomeContext,
};
use crate::error::Error;
use crate::http::session_cookie;
use crate::service::channels::{ListChannels, MarkRead};
use crate::service::clients::{CreateClient, ListClients, UpdateClient};
use crate::service::companies::{self, ListCompanies};
use crate::service::directory::{self, Card, LastMessage};
use crate::service::messages::{EditMessage, MassMessage, SendMessage};
use crate::service::paging::{self, Page, PageRequest};
use crate::service::passwords::{self, ChangePassword, ForgotPassword, ResetPassword};
use crate::service::sessions::{self, AcceptInvitation, LoginRequest, NewSession};
use crate::service::workspace::{SetupRequest, UpdateMessagingSettings};
use crate::service::{
    api_keys, channels, client_activity, clients, email_preferences, internal_users, messages,
    notifications, workspace, Context,
};

/// Integration notifications shown in the notification centre.
const NOTICES_SHOWN: i64 = 50;

/// Messages shown when a conversation opens; older ones load on scroll.
const FIRST_PAGE: i64 = 50;

pub struct WebPortal {
    ctx: Context,
}

type Answer<T> = Result<T, AppError>;

fn refuse(error: Error) -> AppError {
    error.log_cause();
    AppError {
        status: error.status().as_u16(),
        message: error.to_string(),
    }
}

/// The app's models share the API's JSON shapes.
fn reshape<T: Serialize, U: DeserializeOwned>(value: &T) -> Answer<U> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| refuse(Error::Internal(e.into())))
}

impl WebPortal {
    pub fn new(ctx: Context) -> WebPortal {
        WebPortal { ctx }
    }

    /// The signed-in reader of a page.
    async fn reader(&self, request: &Parts) -> Answer<Actor> {
        Ok(self.read_credential(request).await?.0)
    }

    /// The signed-in reader of a page and how they proved who they are.
    async fn read_credential(&self, request: &Parts) -> Answer<(Actor, Credential)> {
        let auth = authenticate(&self.ctx, &Method::GET, &request.headers)
            .await
            .map_err(refuse)?;
        Ok((auth.actor, auth.credential))
    }

    /// The signed-in author of a change, from a page of this server.
    async fn writer(&self, request: &Parts) -> Answer<(Actor, Credential)> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let auth = authenticate(&self.ctx, &Method::GET, &request.headers)
            .await
            .map_err(refuse)?;
        crate::authz::may_write(auth.credential).map_err(refuse)?;
        Ok((auth.actor, auth.credential))
    }

    async fn me(&self, actor: &Actor) -> Result<Me, Error> {
        let workspace_name = workspace::get(&self.ctx).await?.brand_name;
        Ok(match actor {
            Actor::Internal(staff) => {
                let user = internal_users::get(&self.ctx, actor, &staff.id).await?;
                Me {
                    id: user.id,
                    name: format!("{} {}", user.given_name, user.family_name),
                    is_staff: true,
                    is_admin: user.role == Some(crate::domain::internal_user::Role::Admin),
                    workspace_name,
                    csrf_token: String::new(),
                    landing: None,
                }
            }
            Actor::Client(client) => {
                let client = clients::get(&self.ctx, actor, &client.id).await?;
                Me {
                    id: client.id,
                    name: format!("{} {}", client.given_name, client.family_name),
                    is_staff: false,
                    is_admin: false,
                    workspace_name,
                    csrf_token: String::new(),
                    landing: None,
                }
            }
        })
    }

    /// The answer to a successful sign-in: who it is and their cookie.
    async fn signed_in(&self, session: NewSession) -> Answer<SignedIn> {
        let (actor, _) = sessions::actor_for_session(&self.ctx, &session.token)
            .await
            .map_err(refuse)?
            .ok_or_else(|| refuse(Error::Unauthorized))?;
        let mut me = self.me(&actor).await.map_err(refuse)?;
        if !me.is_staff {
            me.landing = landing(&self.channel_summaries(&actor).await?);
        }
        Ok(SignedIn {
            me,
            set_cookie: session_cookie(&self.ctx, &session).to_string(),
        })
    }

    /// Every channel the actor sees, as the channel list shows them.
    async fn channel_summaries(&self, actor: &Actor) -> Answer<Vec<ChannelSummary>> {
        let filter = ListChannels {
            membership_type: None,
            client_id: None,
            member_id: None,
        };
        let all = every("channels", |page| {
            channels::list(&self.ctx, actor, &filter, page)
        })
        .await?;
        let cards = directory::cards(&self.ctx, actor, all)
            .await
            .map_err(refuse)?;
        cards.into_iter().map(WebPortal::summary).collect()
    }

    /// A channel the actor may see, opened: its newest messages and people.
    async fn open(&self, actor: &Actor, channel: MessageChannel) -> Answer<Conversation> {
        let channel_id = channel.id.clone();
        let people = directory::people(&self.ctx, &channel)
            .await
            .map_err(refuse)?
            .into_iter()
            .map(|p| Person {
                id: p.id,
                name: p.name,
                is_staff: p.is_staff,
            })
            .collect();
        let page = PageRequest::parse("messages", Some(FIRST_PAGE), None).map_err(refuse)?;
        let history = messages::list(&self.ctx, actor, &channel_id, page)
            .await
            .map_err(refuse)?;
        let mut card = directory::cards(&self.ctx, actor, vec![channel])
            .await
            .map_err(refuse)?;
        let seen_up_to = messages::seen_up_to(&self.ctx, actor, &channel_id)
            .await
            .map_err(refuse)?;
        Ok(Conversation {
            channel: WebPortal::summary(card.remove(0))?,
            history: reshape(&history)?,
            people,
            seen_up_to,
        })
    }

    fn summary(card: Card) -> Answer<ChannelSummary> {
        let Card {
            channel,
            title,
            last_message,
        } = card;
        Ok(ChannelSummary {
            id: channel.id.clone(),
            membership_type: channel.membership_type.as_str().to_string(),
            title,
            last_message_date: channel.last_message_date.map(|t| t.to_rfc3339()),
            preview: last_message.as_ref().map(|m: &LastMessage| {
                let files: Vec<&str> = m.file_names.iter().map(String::as_str).collect();
                preview_of(&m.text, &files, m.deleted)
            }),
            last_message_id: last_message.map(|m| m.id),
            unread_count: channel.unread_count.unwrap_or(0),
            member_ids: channel.member_ids,
        })
    }
}

/// Every row of a paged list, for screens that show them all.
async fn every<T, F, Fut>(kind: &'static str, list: F) -> Answer<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    paging::every(kind, list).await.map_err(refuse)
}

fn client_summary(client: Client, companies: &HashMap<String, Company>) -> ClientSummary {
    let company_ids = client.company_ids.unwrap_or_default();
    let company_names = company_ids
        .iter()
        .filter_map(|id| companies.get(id))
        .filter(|c| !c.is_placeholder)
        .map(|c| c.name.clone())
        .collect();
    ClientSummary {
        name: format!("{} {}", client.given_name, client.family_name),
        id: client.id,
        email: client.email.unwrap_or_default(),
        status: client
            .status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        company_ids,
        company_names,
        invite_url: client.invite_url,
    }
}

/// The settings as the Settings screen shows them. Limits are stored as
/// signed numbers but never below zero.
fn web_settings(settings: MessagingSettings) -> Settings {
    let limit = |bytes: Option<i64>| bytes.and_then(|b| u64::try_from(b).ok());
    Settings {
        default_channel_type: settings.default_channel_type.as_str().to_string(),
        welcome_message: settings.welcome_message,
        person_file_quota_bytes: limit(settings.person_file_quota_bytes),
        workspace_file_quota_bytes: limit(settings.workspace_file_quota_bytes),
    }
}

#[async_trait::async_trait]
impl Portal for WebPortal {
    async fn session_start(&self, request: &Parts) -> Answer<Option<SessionStart>> {
        match authenticate(&self.ctx, &Method::GET, &request.headers).await {
            Ok(auth) => {
                let mut me = self.me(&auth.actor).await.map_err(refuse)?;
                me.csrf_token = auth.session.map(|s| s.csrf_token).unwrap_or_default();
                let channels = self.channel_summaries(&auth.actor).await?;
                Ok(Some(SessionStart { me, channels }))
            }
            Err(Error::Unauthorized) => Ok(None),
            Err(e) => Err(refuse(e)),
        }
    }

    async fn sign_in(&self, request: &Parts, email: &str, password: &str) -> Answer<SignedIn> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let login = LoginRequest {
            email: email.to_string(),
            password: password.to_string(),
        };
        let address = client_address(request, &self.ctx);
        let session = sessions::login(&self.ctx, &login, address)
            .await
            .map_err(refuse)?;
        self.signed_in(session).await
    }

    async fn invitation(&self, _request: &Parts, token: &str) -> Answer<Invitation> {
        let info = sessions::invitation(&self.ctx, token)
            .await
            .map_err(refuse)?;
        Ok(Invitation {
            given_name: info.given_name,
            email: info.email,
            workspace_name: info.workspace_name,
        })
    }

    async fn accept_invitation(
        &self,
        request: &Parts,
        token: &str,
        password: &str,
    ) -> Answer<SignedIn> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let accept = AcceptInvitation {
            password: password.to_string(),
        };
        let session = sessions::accept_invitation(&self.ctx, token, &accept)
            .await
            .map_err(refuse)?;
        self.signed_in(session).await
    }

    async fn set_up(&self, request: &Parts, token: &str, setup: Setup) -> Answer<SignedIn> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let setup = SetupRequest {
            workspace_name: setup.workspace_name,
            email: setup.email,
            password: setup.password,
            given_name: setup.given_name,
            family_name: setup.family_name,
        };
        let owner_id = workspace::setup_with_token(&self.ctx, token, &setup)
            .await
            .map_err(refuse)?;
        let session = sessions::start_for_new_owner(&self.ctx, &owner_id)
            .await
            .map_err(refuse)?;
        self.signed_in(session).await
    }

    async fn change_password(
        &self,
        request: &Parts,
        current_password: &str,
        new_password: &str,
    ) -> Answer<()> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let auth = authenticate(&self.ctx, &Method::GET, &request.headers)
            .await
            .map_err(refuse)?;
        let change = ChangePassword {
            current_password: current_password.to_string(),
            new_password: new_password.to_string(),
        };
        passwords::change_own(
            &self.ctx,
            &auth,
            &change,
            client_address(request, &self.ctx),
        )
        .await
        .map_err(refuse)
    }

    async fn forgot_password(&self, request: &Parts, email: &str) -> Answer<()> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let forgot = ForgotPassword {
            email: email.to_string(),
        };
        passwords::forgot(&self.ctx, &forgot, client_address(request, &self.ctx))
            .await
            .map_err(refuse)
    }

    async fn password_reset(&self, _request: &Parts, token: &str) -> Answer<Invitation> {
        let info = passwords::reset_info(&self.ctx, token)
            .await
            .map_err(refuse)?;
        Ok(Invitation {
            given_name: info.given_name,
            email: info.email,
            workspace_name: info.workspace_name,
        })
    }

    async fn reset_password(
        &self,
        request: &Parts,
        token: &str,
        password: &str,
    ) -> Answer<SignedIn> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let reset = ResetPassword {
            password: password.to_string(),
        };
        let session = passwords::reset(&self.ctx, token, &reset)
            .await
            .map_err(refuse)?;
        self.signed_in(session).await
    }

    async fn sign_out(&self, request: &Parts) -> Answer<String> {
        same_origin(&self.ctx, &request.headers, true).map_err(refuse)?;
        let jar = axum_extra::extract::CookieJar::from_headers(&request.headers);
        if let Some(cookie) = jar.get(SESSION_COOKIE) {
            sessions::logout(&self.ctx, cookie.value())
                .await
                .map_err(refuse)?;
        }
        let mut removal = Cookie::build(SESSION_COOKIE).path("/").build();
        removal.make_removal();
        Ok(removal.to_string())
    }

    async fn channels(&self, request: &Parts) -> Answer<Vec<ChannelSummary>> {
        let actor = self.reader(request).await?;
        self.channel_summaries(&actor).await
    }

    async fn conversation(
        &self,
        request: &Parts,
        channel_id: &str,
    ) -> Answer<Option<Conversation>> {
        let actor = self.reader(request).await?;
        match channels::get(&self.ctx, &actor, channel_id).await {
            Ok(channel) => self.open(&actor, channel).await.map(Some),
            // Deleted, or no longer this person's to see: the same to them.
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(refuse(e)),
        }
    }

    async fn older_messages(
        &self,
        request: &Parts,
        channel_id: &str,
        next_token: &str,
    ) -> Answer<MessagePage> {
        let actor = self.reader(request).await?;
        let page =
            PageRequest::parse("messages", Some(FIRST_PAGE), Some(next_token)).map_err(refuse)?;
        let history = messages::list(&self.ctx, &actor, channel_id, page)
            .await
            .map_err(refuse)?;
        reshape(&history)
    }

    async fn send_message(
        &self,
        request: &Parts,
        channel_id: &str,
        text: &str,
        attachment_ids: Vec<String>,
        idempotency_key: &str,
    ) -> Answer<Message> {
        let (actor, credential) = self.writer(request).await?;
        let send = SendMessage {
            text: text.to_string(),
            channel_id: channel_id.to_string(),
            sender_id: None,
            attachment_ids: Some(attachment_ids).filter(|ids| !ids.is_empty()),
        };
        let key = Some(idempotency_key).filter(|k| !k.is_empty());
        let message = messages::send(&self.ctx, &actor, credential, &send, key)
            .await
            .map_err(refuse)?;
        reshape(&message)
    }

    async fn mark_read(&self, request: &Parts, channel_id: &str) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        channels::mark_read(&self.ctx, &actor, channel_id, &MarkRead::default())
            .await
            .map_err(refuse)?;
        Ok(())
    }

    async fn mark_unread(&self, request: &Parts, channel_id: &str) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        channels::mark_unread(&self.ctx, &actor, channel_id)
            .await
            .map_err(refuse)?;
        Ok(())
    }

    async fn client_activity(&self, request: &Parts) -> Answer<Vec<ClientActivity>> {
        let actor = self.reader(request).await?;
        let activity = client_activity::recent(&self.ctx, &actor)
            .await
            .map_err(refuse)?;
        reshape(&activity)
    }

    async fn notices(&self, request: &Parts) -> Answer<Vec<Notice>> {
        let actor = self.reader(request).await?;
        let page =
            PageRequest::parse("notifications", Some(NOTICES_SHOWN), None).map_err(refuse)?;
        let notifications = notifications::list_for_actor(&self.ctx, &actor, true, page)
            .await
            .map_err(refuse)?;
        Ok(notifications
            .data
            .into_iter()
            .filter_map(|n| {
                let shown = n.delivery_targets.in_product?;
                Some(Notice {
                    id: n.id,
                    title: shown.title,
                    body: shown.body,
                    is_read: n.is_read,
                    created_at: n.created_at.to_rfc3339(),
                })
            })
            .collect())
    }

    async fn mark_notice(&self, request: &Parts, id: &str, read: bool) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        let marked = if read {
            notifications::mark_read(&self.ctx, &actor, id).await
        } else {
            notifications::mark_unread(&self.ctx, &actor, id).await
        };
        marked.map_err(refuse)?;
        Ok(())
    }

    async fn delete_notice(&self, request: &Parts, id: &str) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        notifications::delete(&self.ctx, &actor, id)
            .await
            .map_err(refuse)
    }

    async fn email_preferences(&self, request: &Parts) -> Answer<EmailPreferences> {
        let actor = self.reader(request).await?;
        let preferences = email_preferences::get(&self.ctx, &actor)
            .await
            .map_err(refuse)?;
        reshape(&preferences)
    }

    async fn save_email_preferences(
        &self,
        request: &Parts,
        preferences: EmailPreferences,
    ) -> Answer<EmailPreferences> {
        let (actor, _) = self.writer(request).await?;
        // The same JSON the API takes, so that an unknown choice is refused the same way.
        let preferences = serde_json::to_value(&preferences)
            .and_then(serde_json::from_value)
            .map_err(|e| refuse(Error::invalid(e.to_string())))?;
        let saved = email_preferences::update(&self.ctx, &actor, &preferences)
            .await
            .map_err(refuse)?;
        reshape(&saved)
    }

    async fn edit_message(&self, request: &Parts, message_id: &str, text: &str) -> Answer<Message> {
        let (actor, _) = self.writer(request).await?;
        let edit = EditMessage {
            text: text.to_string(),
        };
        let message = messages::edit(&self.ctx, &actor, message_id, &edit)
            .await
            .map_err(refuse)?;
        reshape(&message)
    }

    async fn delete_message(&self, request: &Parts, message_id: &str) -> Answer<Message> {
        let (actor, _) = self.writer(request).await?;
        let message = messages::delete(&self.ctx, &actor, message_id)
            .await
            .map_err(refuse)?;
        reshape(&message)
    }

    async fn directory(&self, request: &Parts) -> Answer<Directory> {
        let actor = self.reader(request).await?;
        crate::authz::require_internal(&actor).map_err(refuse)?;
        let companies = self.companies(&actor).await?;
        let filter = ListClients {
            company_id: None,
            email: None,
            given_name: None,
            family_name: None,
        };
        let clients = every("clients", |page| {
            clients::list(&self.ctx, &actor, &filter, page)
        })
        .await?;
        let by_id: HashMap<String, Company> =
            companies.into_iter().map(|c| (c.id.clone(), c)).collect();
        let mut clients: Vec<ClientSummary> = clients
            .into_iter()
            .map(|c| client_summary(c, &by_id))
            .collect();
        clients.sort_by_key(|c| c.name.to_lowercase());
        let mut companies: Vec<CompanySummary> = by_id
            .into_values()
            .map(|c| CompanySummary {
                id: c.id,
                name: c.name,
                is_placeholder: c.is_placeholder,
            })
            .collect();
        companies.sort_by_key(|c| c.name.to_lowercase());
        Ok(Directory { clients, companies })
    }

    async fn create_client(&self, request: &Parts, client: NewClient) -> Answer<ClientSummary> {
        let (actor, _) = self.writer(request).await?;
        let create = CreateClient {
            given_name: client.given_name,
            family_name: client.family_name,
            email: client.email,
            company_id: None,
            company_ids: Some(
                client
                    .company_id
                    .into_iter()
                    .filter(|id| !id.is_empty())
                    .collect(),
            ),
        };
        let created = clients::create(&self.ctx, &actor, &create, false)
            .await
            .map_err(refuse)?;
        let companies = self.companies(&actor).await?;
        let by_id = companies.into_iter().map(|c| (c.id.clone(), c)).collect();
        Ok(client_summary(created, &by_id))
    }

    async fn invite_client(&self, request: &Parts, client_id: &str) -> Answer<ClientSummary> {
        let (actor, _) = self.writer(request).await?;
        let unchanged = UpdateClient {
            given_name: None,
            family_name: None,
            company_id: None,
            company_ids: None,
        };
        let invited = clients::update(&self.ctx, &actor, client_id, &unchanged, true)
            .await
            .map_err(refuse)?;
        let companies = self.companies(&actor).await?;
        let by_id = companies.into_iter().map(|c| (c.id.clone(), c)).collect();
        Ok(client_summary(invited, &by_id))
    }

    async fn client_channels(&self, request: &Parts, client_id: &str) -> Answer<ClientChannels> {
        let actor = self.reader(request).await?;
        crate::authz::require_internal(&actor).map_err(refuse)?;
        let client = clients::get(&self.ctx, &actor, client_id)
            .await
            .map_err(refuse)?;
        let filter = ListChannels {
            membership_type: None,
            client_id: None,
            member_id: Some(client_id),
        };
        let listed = every("channels", |page| {
            channels::list(&self.ctx, &actor, &filter, page)
        })
        .await?;
        let cards = directory::cards(&self.ctx, &actor, listed)
            .await
            .map_err(refuse)?;
        let companies = self.companies(&actor).await?;
        let by_id = companies.into_iter().map(|c| (c.id.clone(), c)).collect();
        Ok(ClientChannels {
            client: client_summary(client, &by_id),
            channels: cards
                .into_iter()
                .map(WebPortal::summary)
                .collect::<Answer<_>>()?,
        })
    }

    async fn start_conversation(&self, request: &Parts, client_ids: Vec<String>) -> Answer<String> {
        let (actor, _) = self.writer(request).await?;
        let channel = channels::open_conversation(&self.ctx, &actor, &client_ids)
            .await
            .map_err(refuse)?;
        Ok(channel.id)
    }

    async fn mass_message(
        &self,
        request: &Parts,
        client_ids: Vec<String>,
        text: &str,
        attachment_ids: Vec<String>,
    ) -> Answer<usize> {
        let (actor, _) = self.writer(request).await?;
        let mass = MassMessage {
            client_ids,
            text: text.to_string(),
            attachment_ids: Some(attachment_ids).filter(|ids| !ids.is_empty()),
        };
        let sent = messages::send_mass(&self.ctx, &actor, &mass)
            .await
            .map_err(refuse)?;
        Ok(sent.data.len())
    }

    async fn settings(&self, request: &Parts) -> Answer<Settings> {
        let actor = self.reader(request).await?;
        let settings = workspace::messaging_settings(&self.ctx, &actor)
            .await
            .map_err(refuse)?;
        Ok(web_settings(settings))
    }

    async fn update_settings(&self, request: &Parts, settings: Settings) -> Answer<Settings> {
        let (actor, _) = self.writer(request).await?;
        let default_channel_type = match settings.default_channel_type.as_str() {
            "individual" => DefaultChannelType::Individual,
            "company" => DefaultChannelType::Company,
            other => {
                return Err(refuse(Error::invalid(format!(
                    "defaultChannelType must be individual or company, not {other:?}"
                ))))
            }
        };
        let update = UpdateMessagingSettings {
            default_channel_type: Some(default_channel_type),
            welcome_message: Some(settings.welcome_message),
            // The screen shows every setting and saves them all: an empty
            // limit removes it. Only admins get this far (the service's rule).
            person_file_quota_bytes: Some(settings.person_file_quota_bytes),
            workspace_file_quota_bytes: Some(settings.workspace_file_quota_bytes),
        };
        let saved = workspace::update_messaging_settings(&self.ctx, &actor, &update)
            .await
            .map_err(refuse)?;
        Ok(web_settings(saved))
    }

    async fn preview_welcome(&self, request: &Parts, template: &str) -> Answer<String> {
        let actor = self.reader(request).await?;
        crate::authz::require_admin(&actor).map_err(refuse)?;
        validate_welcome(template).map_err(refuse)?;
        let workspace_name = workspace::get(&self.ctx).await.map_err(refuse)?.brand_name;
        let example = WelcomeContext {
            client_given_name: "Jamie",
            client_family_name: "Rivera",
            company_name: "Rivera Design",
            workspace_name: &workspace_name,
        };
        Ok(render_welcome(template, &example))
    }

    async fn api_keys(&self, request: &Parts) -> Answer<Vec<ApiKeyInfo>> {
        let (actor, credential) = self.read_credential(request).await?;
        let keys = api_keys::list(&self.ctx, &actor, credential)
            .await
            .map_err(refuse)?;
        reshape(&keys)
    }

    async fn create_api_key(&self, request: &Parts, key: NewApiKey) -> Answer<ApiKeyInfo> {
        let (actor, credential) = self.writer(request).await?;
        let request = CreateApiKey {
            name: key.name,
            expires_at: None,
            expires_in_days: key.expires_in_days,
            read_only: key.read_only,
            send_as_others: key.send_as_others,
        };
        let made = api_keys::create(&self.ctx, &actor, credential, &request)
            .await
            .map_err(refuse)?;
        reshape(&made)
    }

    async fn revoke_api_key(&self, request: &Parts, id: &str) -> Answer<()> {
        let (actor, credential) = self.writer(request).await?;
        api_keys::revoke(&self.ctx, &actor, credential, id)
            .await
            .map_err(refuse)
    }
}

impl WebPortal {
    async fn companies(&self, actor: &Actor) -> Answer<Vec<Company>> {
        let filter = ListCompanies {
            name: None,
            is_placeholder: None,
        };
        every("companies", |page| {
            companies::list(&self.ctx, actor, &filter, page)
        })
        .await
    }
}
