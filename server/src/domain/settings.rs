//! Messaging settings and the welcome message template.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DefaultChannelType {
    /// A new client gets an individual channel.
    Individual,
    /// A new client joins their company's channel.
    Company,
}

impl DefaultChannelType {
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultChannelType::Individual => "individual",
            DefaultChannelType::Company => "company",
        }
    }

    pub fn from_stored(value: &str) -> DefaultChannelType {
        if value == "company" {
            DefaultChannelType::Company
        } else {
            DefaultChannelType::Individual
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagingSettings {
    #[schema(value_type = String, example = "messagingSettings")]
    pub object: &'static str,
    pub default_channel_type: DefaultChannelType,
    /// Posted as the first message of every new channel. Variables:
    /// `{{client.givenName}}`, `{{client.familyName}}`, `{{company.name}}`,
    /// `{{workspace.name}}`. Empty means no welcome message.
    pub welcome_message: String,
    /// Bytes one person may keep uploaded (files sent and not yet sent);
    /// null: no quota. An upload that would go over it gets 422 `quota_exceeded`.
    pub person_file_quota_bytes: Option<i64>,
    /// Bytes the workspace may store in all; null: no quota.
    pub workspace_file_quota_bytes: Option<i64>,
    /// Messages (with their files) older than this many months are deleted,
    /// except in conversations of clients under legal hold; null keeps
    /// everything. The audit log is never deleted.
    pub retention_months: Option<i64>,
}

pub const DEFAULT_WELCOME: &str =
    "Welcome to {{workspace.name}}, {{client.givenName}}! This is where we talk. Ask us anything here.";

const VARIABLES: [&str; 4] = [
    "client.givenName",
    "client.familyName",
    "company.name",
    "workspace.name",
];

pub const MAX_WELCOME_CHARS: usize = 5_000;

/// The values a welcome message is rendered with.
pub struct WelcomeContext<'a> {
    pub client_given_name: &'a str,
    pub client_family_name: &'a str,
    pub company_name: &'a str,
    pub workspace_name: &'a str,
}

/// Checks the welcome template (see `validate_template`).
pub fn validate_welcome(template: &str) -> Result<()> {
    validate_template("welcomeMessage", template, MAX_WELCOME_CHARS)
}

/// Checks a template (the welcome message, a saved reply), refusing it as
/// `field`: bounded length, only known variables, closed braces, and no
/// variable inside a link's address, where a name would choose where the
/// link leads.
pub fn validate_template(field: &str, template: &str, max_chars: usize) -> Result<()> {
    super::values::check_free_text(field, template)?;
    if template.chars().count() > max_chars {
        return Err(Error::invalid(format!(
            "{field} must be at most {max_chars} characters"
        )));
    }
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(Error::invalid(format!(
                "{field} has a {{{{ without a closing }}}}"
            )));
        };
        let name = after[..end].trim();
        if !VARIABLES.contains(&name) {
            return Err(Error::invalid(format!(
                "{field} uses unknown variable {{{{{name}}}}}; known: {}",
                VARIABLES.map(|v| format!("{{{{{v}}}}}")).join(", ")
            )));
        }
        if in_link_address(&rest[..start]) {
            return Err(Error::invalid(format!(
                "{field} puts {{{{{name}}}}} inside a link's address; \
                 names may be in the text around a link, not in where it leads"
            )));
        }
        rest = &after[end + 2..];
    }
    Ok(())
}

/// Adds a name to the message's Markdown as the text it is. The message is
/// signed by the owner, so a name must not turn into a link (or markup) in
/// it: the characters that start Markdown links, emphasis, code and HTML are
/// escaped, and so are `:` and `@`, which the app needs to see a bare web or
/// e-mail address (its escape splits the text where the app looks for them).
fn push_literal(out: &mut String, name: &str) {
    for c in name.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | ':' | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Whether a variable right after `before` would be part of a link's
/// address: in the word that ends `before` there is a scheme, `www.`, or the
/// `](` or `<` that open a Markdown link's target.
fn in_link_address(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    word.contains("://")
        || word.contains("](")
        || word.contains("www.")
        || word.contains("mailto:")
        || word.starts_with('<')
}

/// Fills in a template that `validate_welcome` accepted.
pub fn render_welcome(template: &str, ctx: &WelcomeContext<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        push_literal(
            &mut out,
            match after[..end].trim() {
                "client.givenName" => ctx.client_given_name,
                "client.familyName" => ctx.client_family_name,
                "company.name" => ctx.company_name,
                "workspace.name" => ctx.workspace_name,
                _ => "",
            },
        );
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: WelcomeContext<'static> = WelcomeContext {
        client_given_name: "Ann",
        client_family_name: "Lee",
        company_name: "Acme",
        workspace_name: "Ledger & Co",
    };

    #[test]
    fn every_variable_is_filled_in() {
        let text = render_welcome("Hi {{client.givenName}} {{ client.familyName }} of {{company.name}}, from {{workspace.name}}", &CTX);
        assert_eq!(text, "Hi Ann Lee of Acme, from Ledger & Co");
    }

    #[test]
    fn the_default_template_is_valid() {
        validate_welcome(DEFAULT_WELCOME).unwrap();
        assert_eq!(
            render_welcome(DEFAULT_WELCOME, &CTX),
            "Welcome to Ledger & Co, Ann! This is where we talk. Ask us anything here."
        );
    }

    #[test]
    fn unknown_variables_and_open_braces_are_refused() {
        assert!(validate_welcome("Hi {{client.password}}")
            .unwrap_err()
            .to_string()
            .contains("unknown variable"));
        assert!(validate_welcome("Hi {{client.givenName").is_err());
        assert!(validate_welcome(&"x".repeat(MAX_WELCOME_CHARS + 1)).is_err());
    }

    #[test]
    fn a_variable_may_not_choose_where_a_link_leads() {
        for template in [
            "Your portal: https://{{company.name}}.example.com",
            "See https://help.example.com/{{client.givenName}}",
            "Read [the guide](https://help.example.com/{{company.name}})",
            "Visit <https://{{company.name}}>",
            "Visit www.{{company.name}}.com",
            "Write to mailto:{{client.givenName}}@example.com",
        ] {
            let refused = validate_welcome(template).unwrap_err().to_string();
            assert!(refused.contains("inside a link"), "{template}: {refused}");
        }
        for template in [
            "Hi {{client.givenName}}, read [our guide](https://help.example.com).",
            "https://help.example.com is for {{company.name}}",
            "[{{company.name}}'s guide](https://help.example.com)",
        ] {
            assert!(validate_welcome(template).is_ok(), "{template}");
        }
    }

    #[test]
    fn names_in_the_welcome_message_never_become_links() {
        let hostile = [
            "evil.example.com",
            "[x](https://evil.example)",
            "https://evil.example/login",
            "<https://evil.example>",
            "ann@evil.example",
            "www.evil.example",
            "**loud** _and_ `code`",
            "<b>bold</b>",
        ];
        for name in hostile {
            let ctx = WelcomeContext {
                client_given_name: name,
                client_family_name: name,
                company_name: name,
                workspace_name: name,
            };
            let text = render_welcome(
                "Hi {{client.givenName}} {{client.familyName}} of {{company.name}}, \
                 from {{workspace.name}}. Read [our guide](https://help.example.com).",
                &ctx,
            );
            let html = parlor_app::markdown::render(&text);
            assert_eq!(
                html.matches("<a ").count(),
                1,
                "only the template's own link, for {name:?}: {html}"
            );
            assert!(!html.contains("evil.example\""), "{name:?}: {html}");
            assert!(
                !html.contains("<strong>") && !html.contains("<b>"),
                "{name:?}: {html}"
            );
            assert_eq!(
                parlor_app::markdown::plain(&text).matches(name).count(),
                4,
                "the name reads as written, four times, for {name:?}: {text}"
            );
        }
    }
}
