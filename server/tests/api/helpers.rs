use crate::postgres::PostgresDatabase;
use parlor::config::{
    BlobLocation, Config, DatabaseLocation, FileConfig, InboundConfig, Limits, MailConfig,
    SecretKey, SignInConfig, ThrottleLimits, WebhookConfig,
};
use parlor::service::{sessions, workspace, Context};
use parlor::startup::Application;
use reqwest::Method;
use serde_json::{json, Value};

pub const OWNER_EMAIL: &str = "owner@example.com";
pub const PASSWORD: &str = "correct horse battery";
pub const WORKSPACE: &str = "Ledger & Co";

/// A running server with its own fresh database, a workspace, and an API key
/// acting as the owner (an admin).
pub struct TestApp {
    pub base: String,
    pub ctx: Context,
    /// Calls with the owner's API key.
    pub admin: Caller,
    pub owner_id: String,
    pub config: Config,
    /// The SMTP listener for replies by e-mail, when configured.
    pub inbound: Option<std::net::SocketAddr>,
    /// Where `/metrics` is served, when configured.
    pub metrics: Option<std::net::SocketAddr>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _data_dir: tempfile::TempDir,
    /// Dropped after the server, taking the test database with it.
    _postgres: Option<PostgresDatabase>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose files live in a fresh bucket of the test S3 server.
    pub async fn spawn_on_s3() -> TestApp {
        Self::spawn_on_s3_with(|_| {}).await
    }

    pub async fn spawn_on_s3_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let location = crate::s3::fresh_bucket().await;
        Self::spawn_with(move |config| {
            config.files.store = BlobLocation::S3(location);
            configure(config);
        })
        .await
    }

    /// A server with its configuration changed by `configure` first.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (database, postgres) = match std::env::var("PARLOR_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                let db = PostgresDatabase::create(&url, "parlor_test").await;
                (DatabaseLocation::Postgres(db.url()), Some(db))
            }
            _ => (
                DatabaseLocation::Sqlite(data_dir.path().join("parlor.db")),
                None,
            ),
        };
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            metrics_listen: None,
            data_dir: data_dir.path().to_path_buf(),
            database,
            public_url: "http://127.0.0.1:0".into(),
            secret_key: SecretKey([42; 32]),
            max_message_chars: 10_000,
            realtime_queue: 256,
            realtime_send_timeout: std::time::Duration::from_secs(2),
            realtime_credential_check: std::time::Duration::from_millis(300),
            event_retention: std::time::Duration::from_secs(3600),
            site_dir: parlor::config::DEFAULT_SITE_DIR.into(),
            files: FileConfig::local(data_dir.path().join("blobs")),
            // Quick retries so the e-mail tests need not wait long.
            mail: MailConfig {
                poll_interval: std::time::Duration::from_millis(100),
                retry_base: std::time::Duration::from_millis(200),
                retry_max: std::time::Duration::from_secs(1),
                ..MailConfig::default()
            },
            inbound: InboundConfig::default(),
            sign_in: SignInConfig {
                // Windows start at multiples of their length: one this long
                // never ends during a test, so counting cannot straddle two
                // on a slow machine.
                throttle: ThrottleLimits {
                    window: std::time::Duration::from_secs(100 * 365 * 24 * 3600),
                    ..ThrottleLimits::default()
                },
                ..SignInConfig::default()
            },
            limits: Limits::default(),
            // Receivers in the tests listen on loopback; quick retries so
            // they need not wait long.
            webhooks: WebhookConfig {
                allow_private_targets: true,
                retry_base: std::time::Duration::from_millis(100),
                retry_max: std::time::Duration::from_millis(400),
                poll_interval: std::time::Duration::from_millis(100),
                ..WebhookConfig::default()
            },
            cluster: parlor::config::ClusterConfig::default(),
        };
        configure(&mut config);
        let app = Application::build(config.clone())
            .await
            .expect("server builds");
        let base = format!("http://{}", app.local_addr());
        let inbound = app.inbound_addr();
        let metrics = app.metrics_addr();
        let ctx = app.context().clone();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = stop.await;
        }));

        let setup = workspace::SetupRequest {
            workspace_name: WORKSPACE.into(),
            email: OWNER_EMAIL.into(),
            password: PASSWORD.into(),
            given_name: "Olivia".into(),
            family_name: "Owner".into(),
        };
        let owner_id = workspace::initialise(&ctx, &setup)
            .await
            .expect("workspace initialises");
        let key = sessions::create_api_key(&ctx, "tests")
            .await
            .expect("API key");
        let admin = Caller::new(&base, Auth::ApiKey(key));
        TestApp {
            base,
            ctx,
            admin,
            owner_id,
            config,
            inbound,
            metrics,
            shutdown: Some(shutdown),
            server: Some(server),
            _data_dir: data_dir,
            _postgres: postgres,
        }
    }

    /// Stops the server and starts it again on the same database and files,
    /// with its configuration changed by `configure` first.
    pub async fn restart_with(&mut self, configure: impl FnOnce(&mut Config)) {
        self.stop().await;
        configure(&mut self.config);
        self.start().await;
    }

    /// Stops the server (requests in flight finish) and closes its database.
    pub async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }

    /// Starts a stopped server again on the same database and files.
    pub async fn start(&mut self) {
        let app = Application::build(self.config.clone())
            .await
            .expect("server builds again");
        self.base = format!("http://{}", app.local_addr());
        self.admin.base = self.base.clone();
        self.metrics = app.metrics_addr();
        self.ctx = app.context().clone();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        self.server = Some(tokio::spawn(app.run_until(async move {
            let _ = stop.await;
        })));
        self.shutdown = Some(shutdown);
    }

    /// Another server sharing this one's database, as a second node of a
    /// cluster; it stops when the returned sender is dropped.
    pub async fn second_node(&self) -> (Caller, tokio::sync::oneshot::Sender<()>) {
        let node = Application::build(self.config.clone())
            .await
            .expect("second node builds");
        let base = format!("http://{}", node.local_addr());
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(node.run_until(async move {
            let _ = stop.await;
        }));
        let mut admin = self.admin.clone();
        admin.base = base;
        (admin, shutdown)
    }

    pub fn anonymous(&self) -> Caller {
        Caller::new(&self.base, Auth::None)
    }

    /// Signs in with e-mail and password as if from `address` (the server
    /// believes `X-Forwarded-For` only when it trusts 127.0.0.1 as a proxy).
    pub async fn sign_in_from(&self, address: &str, email: &str, password: &str) -> Response {
        let caller = self.anonymous();
        caller
            .send(
                caller
                    .request(Method::POST, "/v1/sessions")
                    .header("X-Forwarded-For", address)
                    .json(&json!({ "email": email, "password": password })),
            )
            .await
    }

    pub fn with_key(&self, key: &str) -> Caller {
        Caller::new(&self.base, Auth::ApiKey(key.into()))
    }

    /// Signs in with e-mail and password; the caller then sends the session
    /// cookie and the CSRF token with every request.
    pub async fn sign_in(&self, email: &str, password: &str) -> Caller {
        let caller = Caller::new(
            &self.base,
            Auth::Session {
                csrf: String::new(),
            },
        );
        let response = caller
            .post(
                "/v1/sessions",
                json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(
            response.status, 200,
            "sign-in of {email} failed: {}",
            response.body
        );
        caller.signed_in(&response)
    }

    pub async fn create_company(&self, name: &str) -> String {
        let response = self
            .admin
            .post("/v1/companies", json!({ "name": name }))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.id()
    }

    /// Creates a client (in `company_id`, or a placeholder company) and returns it.
    pub async fn create_client(&self, given_name: &str, company_id: Option<&str>) -> Value {
        let email = format!(
            "{}.{}@example.com",
            given_name.to_lowercase(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let mut body = json!({ "givenName": given_name, "familyName": "Client", "email": email });
        if let Some(company) = company_id {
            body["companyId"] = json!(company);
        }
        let response = self.admin.post("/v1/clients", body).await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.body
    }

    /// A staff member signed in, limited to `companies` when given. They
    /// are invited like every new member and choose their password on the
    /// invitation's page.
    pub async fn staff(&self, limited_to: Option<&[&str]>) -> (String, Caller) {
        let email = format!(
            "staff.{}@example.com",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let body = json!({
            "givenName": "Sam", "familyName": "Staff", "email": email, "role": "staff",
            "isClientAccessLimited": limited_to.is_some(),
            "companyAccessList": limited_to.unwrap_or_default(),
        });
        let response = self.admin.post("/v1/internal-users", body).await;
        assert_eq!(response.status, 200, "{}", response.body);
        let caller = self.accept_invitation(&invite_token(&response.body)).await;
        (response.id(), caller)
    }

    /// Accepts an invitation (a client's or a staff member's) with
    /// `PASSWORD`; returns the caller it signs in.
    pub async fn accept_invitation(&self, token: &str) -> Caller {
        Caller::from_link(
            &self.base,
            &format!("/v1/invitations/{token}/accept"),
            PASSWORD,
        )
        .await
    }

    /// The plain-text bodies of the e-mails queued for `address`, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<String> {
        let mut conn = self.ctx.store.reader().await.unwrap();
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT text_body FROM outbox_emails WHERE recipient = $1 ORDER BY created_at, id",
        )
        .bind(address)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        rows.into_iter().map(|(body,)| body).collect()
    }

    /// Signs a client in through their invitation link.
    /// One caller of every kind the authorisation rules tell apart, in this
    /// order: admin key, admin session, staff with full access, staff limited
    /// to `acme`, staff limited to `globex`, client `ann` (of Acme), client
    /// `bob` (of Globex), no credentials.
    pub async fn every_role(
        &self,
        acme: &str,
        globex: &str,
        ann: &Value,
        bob: &Value,
    ) -> Vec<(&'static str, Caller)> {
        let admin_session = self.sign_in(OWNER_EMAIL, PASSWORD).await;
        let (_, staff_full) = self.staff(None).await;
        let (_, staff_acme) = self.staff(Some(&[acme])).await;
        let (_, staff_globex) = self.staff(Some(&[globex])).await;
        vec![
            ("admin key", self.admin.clone()),
            ("admin session", admin_session),
            ("staff, full access", staff_full),
            ("staff, limited to Acme", staff_acme),
            ("staff, limited to Globex", staff_globex),
            ("client Ann of Acme", self.client_session(ann).await),
            ("client Bob of Globex", self.client_session(bob).await),
            ("no credentials", self.anonymous()),
        ]
    }

    pub async fn client_session(&self, client: &Value) -> Caller {
        self.accept_invitation(&invite_token(client)).await
    }

    pub async fn individual_channel(&self, client_id: &str) -> String {
        let response = self
            .admin
            .get(&format!("/v1/message-channels?clientId={client_id}"))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
        let data = response.body["data"].as_array().unwrap();
        assert_eq!(
            data.len(),
            1,
            "client {client_id} should have one individual channel: {}",
            response.body
        );
        data[0]["id"].as_str().unwrap().to_string()
    }

    /// Every message of a channel, newest first, following every page.
    pub async fn all_messages(&self, caller: &Caller, channel_id: &str, limit: u32) -> Vec<Value> {
        collect_pages(
            caller,
            &format!("/v1/messages?channelId={channel_id}&limit={limit}"),
        )
        .await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Follows `nextToken` through every page of a list.
/// Waits up to 10 s for `done` to hold.
pub async fn eventually<F, Fut>(what: &str, done: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn collect_pages(caller: &Caller, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = match &token {
            Some(token) => format!("{path}{separator}nextToken={token}"),
            None => path.to_string(),
        };
        let response = caller.get(&url).await;
        assert_eq!(response.status, 200, "{url}: {}", response.body);
        items.extend(response.body["data"].as_array().unwrap().iter().cloned());
        match response.body["nextToken"].as_str() {
            Some(next) => token = Some(next.to_string()),
            None => return items,
        }
        assert!(items.len() < 100_000, "paging does not end");
    }
}

/// The token at the end of a client's `inviteUrl`.
pub fn invite_token(client: &Value) -> String {
    let url = client["inviteUrl"]
        .as_str()
        .expect("client has an inviteUrl");
    url.rsplit_once("/invite/")
        .expect("invite URL shape")
        .1
        .to_string()
}

pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

#[derive(Clone)]
pub enum Auth {
    None,
    ApiKey(String),
    Session { csrf: String },
}

/// A realtime socket held by a test.
pub struct Socket {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

const FRAME_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl Socket {
    pub async fn connect(url: &str, headers: &[(&str, &str)]) -> Result<Socket, u16> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().unwrap();
        for (name, value) in headers {
            request.headers_mut().insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Socket { stream }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(response.status().as_u16())
            }
            Err(other) => panic!("WebSocket connection failed: {other}"),
        }
    }

    /// The next data frame, or `None` once the server has closed the socket.
    pub async fn next_frame(&mut self) -> Option<Value> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let next = tokio::time::timeout(FRAME_WAIT, self.stream.next())
                .await
                .expect("a frame within 10 s");
            match next {
                Some(Ok(Message::Text(text))) => {
                    return Some(serde_json::from_str(&text).expect("frames are JSON"))
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    /// Waits, skipping frames, until the server closes the socket; its close
    /// code and reason. The wait is generous: this checks that it closes,
    /// not how fast.
    pub async fn closed(&mut self) -> (u16, String) {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let next = tokio::time::timeout(std::time::Duration::from_secs(60), self.stream.next())
                .await
                .expect("the server closes the socket");
            match next {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (frame.code.into(), frame.reason.to_string())
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                    return (1005, String::new())
                }
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next frame that `wanted` accepts, skipping others (presence, typing…).
    pub async fn next_where(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let frame = self.next_frame().await.expect("the socket is open");
            if wanted(&frame) {
                return frame;
            }
        }
    }

    /// The frames a resuming socket replays before it says `ready`.
    pub async fn replay(mut self) -> Vec<Value> {
        let mut frames = Vec::new();
        loop {
            let frame = self.next_frame().await.expect("the socket is open");
            if frame["type"] == "ready" {
                return frames;
            }
            frames.push(frame);
        }
    }

    /// The next frame about a message or channel (skipping presence and typing).
    pub async fn next_event(&mut self) -> Value {
        self.next_where(|f| {
            let kind = f["type"].as_str().unwrap_or_default();
            kind.starts_with("message.") || kind.starts_with("channel.")
        })
        .await
    }

    pub async fn send_json(&mut self, frame: Value) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::Text(
                frame.to_string().into(),
            ))
            .await
            .unwrap();
    }
}

/// A moment `from_now` ahead, as the API writes times (RFC 3339).
pub fn moment_in(from_now: std::time::Duration) -> String {
    (time::OffsetDateTime::now_utc() + from_now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// One kind of caller: anonymous, an API key, or a signed-in session.
#[derive(Clone)]
pub struct Caller {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    /// The session cookie's value, for callers that signed in.
    pub cookie: Option<String>,
}

pub struct Response {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Response {
    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {}", self.body))
            .to_string()
    }

    /// Asserts the error shape: this status, a code and a message.
    pub fn assert_error(&self, status: u16, context: &str) {
        assert_eq!(self.status, status, "{context}: {}", self.body);
        assert!(
            self.body["code"].as_str().is_some_and(|c| !c.is_empty()),
            "{context}: no code in {}",
            self.body
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{context}: no message in {}",
            self.body
        );
    }
}

impl Caller {
    fn new(base: &str, auth: Auth) -> Caller {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        Caller {
            http,
            base: base.to_string(),
            auth,
            cookie: None,
        }
    }

    fn signed_in(mut self, response: &Response) -> Caller {
        self.auth = Auth::Session {
            csrf: response.body["csrfToken"]
                .as_str()
                .expect("a CSRF token")
                .to_string(),
        };
        let cookie = response
            .headers
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap();
        self.cookie = Some(cookie.split(';').next().unwrap().to_string());
        self
    }

    /// Uses a password-reset link to set `password`; returns the caller it
    /// signs in.
    pub async fn from_reset(app: &TestApp, token: &str, password: &str) -> Caller {
        Caller::from_link(
            &app.base,
            &format!("/v1/password-resets/{token}/accept"),
            password,
        )
        .await
    }

    /// Chooses `password` through an invitation or reset link's `accept`
    /// route, which signs the person in; returns that caller.
    async fn from_link(base: &str, accept: &str, password: &str) -> Caller {
        let caller = Caller::new(
            base,
            Auth::Session {
                csrf: String::new(),
            },
        );
        let response = caller.post(accept, json!({ "password": password })).await;
        assert_eq!(response.status, 200, "{accept} failed: {}", response.body);
        caller.signed_in(&response)
    }

    /// Opens a realtime socket through a token from `/v1/realtime/tokens`.
    pub async fn socket(&self, since: Option<&str>) -> Socket {
        let issued = self.post("/v1/realtime/tokens", json!({})).await;
        assert_eq!(issued.status, 200, "{}", issued.body);
        let mut url = format!(
            "{}/v1/realtime?token={}",
            self.base.replacen("http", "ws", 1),
            issued.body["token"].as_str().unwrap()
        );
        if let Some(since) = since {
            url.push_str(&format!("&since={since}"));
        }
        Socket::connect(&url, &[]).await.expect("the socket opens")
    }

    /// Opens a socket and waits for `ready`; returns it with its cursor.
    pub async fn ready_socket(&self, since: Option<&str>) -> (Socket, Value) {
        let mut socket = self.socket(since).await;
        let ready = socket.next_where(|f| f["type"] == "ready").await;
        (socket, ready)
    }

    /// A caller without credentials, to the same server.
    pub fn without_credentials(&self) -> Caller {
        Caller::new(&self.base, Auth::None)
    }

    pub fn ws_base(&self) -> String {
        self.base.replacen("http", "ws", 1)
    }

    /// The API key this caller sends, if it uses one.
    pub fn api_key(&self) -> Option<&str> {
        match &self.auth {
            Auth::ApiKey(key) => Some(key),
            _ => None,
        }
    }

    /// The same session, but without the CSRF header.
    pub fn without_csrf(&self) -> Caller {
        let mut copy = self.clone();
        copy.auth = Auth::Session {
            csrf: String::new(),
        };
        copy
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        match &self.auth {
            Auth::ApiKey(key) => request = request.header("X-API-Key", key),
            Auth::Session { csrf } if !csrf.is_empty() => {
                request = request.header("X-CSRF-Token", csrf)
            }
            _ => {}
        }
        request
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Response {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.send(self.request(Method::PUT, path).json(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.send(self.request(Method::PATCH, path).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.send(self.request(Method::DELETE, path)).await
    }

    pub async fn send_message(&self, channel_id: &str, text: &str) -> Response {
        self.post(
            "/v1/messages",
            json!({ "channelId": channel_id, "text": text }),
        )
        .await
    }
}
