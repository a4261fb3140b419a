-- Upload quotas, set by admins: bytes one person may keep uploaded (sent or
-- not yet sent) and bytes the whole workspace may store. NULL: no quota.
ALTER TABLE workspace ADD COLUMN person_file_quota_bytes INTEGER;
ALTER TABLE workspace ADD COLUMN workspace_file_quota_bytes INTEGER;
-- What one person has uploaded is summed on every upload.
CREATE INDEX attachments_by_uploader ON attachments (uploader_id);
