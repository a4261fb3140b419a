//! Files being attached to the next message, while they upload.

use crate::model::Attachment;

/// Files being attached to the next message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Uploads {
    pub files: Vec<Upload>,
    next: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub local_id: u32,
    pub name: String,
    /// From 0 to 1.
    pub progress: f64,
    pub outcome: Option<Result<Attachment, String>>,
}

impl Uploads {
    /// A file starts uploading; returns its local id.
    pub fn add(&mut self, name: String) -> u32 {
        self.next += 1;
        self.files.push(Upload {
            local_id: self.next,
            name,
            progress: 0.0,
            outcome: None,
        });
        self.next
    }

    /// A file stored already (a saved reply's, inserted): ready at once.
    pub fn add_stored(&mut self, file: Attachment) -> u32 {
        let local_id = self.add(file.name.clone());
        self.finish(local_id, Ok(file));
        local_id
    }

    pub fn progress(&mut self, local_id: u32, fraction: f64) {
        if let Some(file) = self.files.iter_mut().find(|f| f.local_id == local_id) {
            file.progress = fraction.clamp(0.0, 1.0);
        }
    }

    pub fn finish(&mut self, local_id: u32, outcome: Result<Attachment, String>) {
        if let Some(file) = self.files.iter_mut().find(|f| f.local_id == local_id) {
            file.progress = 1.0;
            file.outcome = Some(outcome);
        }
    }

    pub fn remove(&mut self, local_id: u32) {
        self.files.retain(|f| f.local_id != local_id);
    }

    /// Still sending bytes: the message waits for them.
    pub fn busy(&self) -> bool {
        self.files.iter().any(|f| f.outcome.is_none())
    }

    /// The stored files, for the message.
    pub fn ready(&self) -> Vec<Attachment> {
        self.files
            .iter()
            .filter_map(|f| f.outcome.clone()?.ok())
            .collect()
    }

    /// Sent: the next message starts without files.
    pub fn clear(&mut self) {
        self.files.clear();
    }
}

/// "1.5 MB" and the like, for file cards.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str) -> Attachment {
        Attachment {
            id: id.into(),
            name: format!("{id}.pdf"),
            size: 10,
            content_type: "application/pdf".into(),
            width: None,
            height: None,
            download_url: format!("/v1/attachments/{id}/content"),
            thumbnail_url: None,
        }
    }

    #[test]
    fn a_message_waits_for_its_uploads_and_takes_only_stored_files() {
        let mut uploads = Uploads::default();
        let tax = uploads.add("tax.pdf".into());
        let huge = uploads.add("huge.iso".into());
        uploads.progress(tax, 0.5);
        assert!(uploads.busy());
        uploads.finish(tax, Ok(stored("a1")));
        uploads.finish(huge, Err("too large".into()));
        assert!(!uploads.busy());
        assert_eq!(uploads.ready(), vec![stored("a1")]);
        uploads.remove(huge);
        uploads.add_stored(stored("a2"));
        assert!(!uploads.busy(), "a stored file is ready at once");
        assert_eq!(uploads.ready(), vec![stored("a1"), stored("a2")]);
        uploads.remove(3);
        assert_eq!(uploads.files.len(), 1);
        uploads.clear();
        assert!(uploads.ready().is_empty());
    }

    #[test]
    fn file_sizes_read_naturally() {
        assert_eq!(file_size(999), "999 B");
        assert_eq!(file_size(1_500), "1.5 KB");
        assert_eq!(file_size(209_715_200), "209.7 MB");
    }
}
