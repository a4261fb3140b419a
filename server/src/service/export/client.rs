//! A client's conversations as an archive:
//!
//! ```text
//! index.html                      the conversations, linked
//! <conversation>/transcript.html  every message the client can see, oldest first
//! <conversation>/transcript.pdf   the same, to print or file
//! <conversation>/files/<name>     its files, byte for byte
//! ```
//!
//! What the client can see is read as the client reads it (no internal
//! notes, no deleted messages, a message's current text and never its
//! earlier versions), narrowed to the conversations the asker may see too.
//! Pages are read with a connection that is given back before they are
//! written, so a slow download holds no connection.

use std::collections::HashMap;

use super::archive::{Archive, Names, Packing};
use super::transcript::{self, html, Entry, Pdf};
use crate::authz::Scope;
use crate::service::{directory, views, Context};
use crate::storage::attachments::AttachmentRow;
use crate::storage::channels::{ChannelFilter, ChannelRow};
use crate::storage::clients::ClientRow;
use crate::storage::messages::MessageRow;
use crate::storage::{self, now_ms, Conn};

/// Messages read per page.
const PAGE: u32 = 500;

pub async fn write(
    ctx: &Context,
    asker: &Scope,
    client: &ClientRow,
    mut archive: Archive,
) -> anyhow::Result<()> {
    let reader = Scope::Client(client.id.clone());
    let client_name = format!("{} {}", client.given_name, client.family_name);
    let (brand, conversations) = {
        let mut conn = ctx.store.reader().await?;
        let brand = crate::service::workspace::load(&mut conn).await?.brand_name;
        (
            brand,
            conversations(&mut conn, asker, &reader, &client.id).await?,
        )
    };
    let exported = transcript::when(now_ms());
    let subtitle = format!("{client_name}'s conversations in {brand}, exported {exported}");

    let mut folders = Names::default();
    let mut index = html::head(&client_name, &subtitle);
    let mut placed = Vec::with_capacity(conversations.len());
    if conversations.is_empty() {
        index.push_str(html::EMPTY);
    } else {
        index.push_str("<ul>\n");
    }
    for (channel, title) in conversations {
        let folder = folders.claim("", &title);
        index.push_str(&html::link(&format!("{folder}/transcript.html"), &title));
        placed.push(Placed {
            channel,
            title,
            folder,
        });
    }
    if !placed.is_empty() {
        index.push_str("</ul>\n");
    }
    index.push_str(html::FOOT);
    archive
        .entry("index.html", Packing::Compressed, index.as_bytes())
        .await?;

    let mut people = People::default();
    let subtitle = format!("{brand}, exported {exported}");
    for conversation in &placed {
        write_conversation(
            ctx,
            &mut archive,
            &reader,
            &mut people,
            conversation,
            &subtitle,
        )
        .await?;
    }
    archive.finish().await
}

/// A conversation and its folder in the archive.
struct Placed {
    channel: ChannelRow,
    title: String,
    folder: String,
}

/// The conversations both the client and the asker see, with their titles.
async fn conversations(
    conn: &mut Conn,
    asker: &Scope,
    reader: &Scope,
    client_id: &str,
) -> anyhow::Result<Vec<(ChannelRow, String)>> {
    let filter = ChannelFilter {
        membership_type: None,
        client_id: None,
        member: Some(reader.clone()),
    };
    let mut found = Vec::new();
    let mut after = 0;
    loop {
        let rows = storage::channels::list(conn, asker, client_id, &filter, after, PAGE).await?;
        let more = rows.len() > PAGE as usize;
        for row in rows.into_iter().take(PAGE as usize) {
            after = row.seq;
            let channel = views::channel(conn, row.clone(), false).await?;
            let title = directory::staff_title(conn, &channel).await?;
            found.push((row, title));
        }
        if !more {
            return Ok(found);
        }
    }
}

/// One conversation's transcripts, then its files.
async fn write_conversation(
    ctx: &Context,
    archive: &mut Archive,
    reader: &Scope,
    people: &mut People,
    placed: &Placed,
    subtitle: &str,
) -> anyhow::Result<()> {
    let Placed {
        channel,
        title,
        folder,
    } = placed;
    archive.start(&format!("{folder}/transcript.html"), Packing::Compressed)?;
    archive
        .write(html::head(title, subtitle).as_bytes())
        .await?;
    let mut pdf = Pdf::new(title, subtitle);
    let mut file_names = Names::default();
    // (path in the archive, blob), written after the transcripts.
    let mut files: Vec<(String, String)> = Vec::new();
    let mut after = 0;
    let mut none = true;
    loop {
        let (rows, mut attachments) = {
            let mut conn = ctx.store.reader().await?;
            let rows = storage::messages::oldest_first(&mut conn, reader, &channel.id, after, PAGE)
                .await?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let attachments = storage::attachments::of_messages(&mut conn, &ids).await?;
            people.learn(&mut conn, &rows).await?;
            (rows, by_message(attachments))
        };
        let Some(last) = rows.last() else { break };
        after = last.seq;
        none = false;
        for row in &rows {
            let placed: Vec<(String, String)> = attachments
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|a| {
                    let path = file_names.claim("files", &a.name);
                    files.push((format!("{folder}/{path}"), a.blob_id));
                    (a.name, path)
                })
                .collect();
            let entry = Entry {
                sender: people.name(&row.sender_id),
                at: row.created_at,
                text: &row.text,
                edited: row.edited_at.is_some(),
                files: placed
                    .iter()
                    .map(|(name, path)| (name.as_str(), path.as_str()))
                    .collect(),
            };
            archive.write(html::entry(&entry).as_bytes()).await?;
            pdf.entry(&entry);
        }
    }
    if none {
        archive.write(html::EMPTY.as_bytes()).await?;
        pdf.empty();
    }
    archive.write(html::FOOT.as_bytes()).await?;
    archive
        .entry(
            &format!("{folder}/transcript.pdf"),
            Packing::Compressed,
            &pdf.finish()?,
        )
        .await?;
    for (path, blob) in files {
        archive
            .copy(&path, ctx.blobs.read(&blob, None).await?)
            .await?;
    }
    Ok(())
}

fn by_message(attachments: Vec<AttachmentRow>) -> HashMap<String, Vec<AttachmentRow>> {
    let mut by_message: HashMap<String, Vec<AttachmentRow>> = HashMap::new();
    for attachment in attachments {
        let key = attachment.message_id.clone().unwrap_or_default();
        by_message.entry(key).or_default().push(attachment);
    }
    by_message
}

/// Senders' names, looked up once each.
#[derive(Default)]
struct People(HashMap<String, String>);

impl People {
    async fn learn(&mut self, conn: &mut Conn, rows: &[MessageRow]) -> anyhow::Result<()> {
        for row in rows {
            if self.0.contains_key(&row.sender_id) {
                continue;
            }
            let name = match row.sender_type.as_str() {
                "client" => storage::clients::get(conn, &row.sender_id)
                    .await?
                    .map(|c| format!("{} {}", c.given_name, c.family_name)),
                _ => storage::internal_users::get(conn, &row.sender_id)
                    .await?
                    .map(|u| format!("{} {}", u.given_name, u.family_name)),
            };
            self.0.insert(
                row.sender_id.clone(),
                name.unwrap_or_else(|| "Someone no longer here".into()),
            );
        }
        Ok(())
    }

    fn name(&self, id: &str) -> &str {
        self.0.get(id).map_or("", String::as_str)
    }
}
