-- Notifications (Assembly's `/v1/notifications`): one recipient each, a client
-- or an internal user, deleted with them. `sender_company_id` is the company
-- a notification is about (a client sender's company, or a company sender):
-- staff limited to some companies never see notifications about others.
-- `in_product` and `email` say which delivery targets were asked for; the
-- e-mail itself goes through the outbox.
CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    sender_id TEXT NOT NULL,
    sender_type TEXT NOT NULL,
    sender_company_id TEXT,
    recipient_client_id TEXT REFERENCES clients (id) ON DELETE CASCADE,
    recipient_internal_user_id TEXT REFERENCES internal_users (id) ON DELETE CASCADE,
    recipient_company_id TEXT,
    in_product INTEGER NOT NULL DEFAULT 0,
    in_product_title TEXT,
    in_product_body TEXT,
    in_product_cta_params TEXT,
    email INTEGER NOT NULL DEFAULT 0,
    email_subject TEXT,
    email_header TEXT,
    email_title TEXT,
    email_body TEXT,
    email_cta_params TEXT,
    read_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((recipient_client_id IS NULL) <> (recipient_internal_user_id IS NULL))
);
CREATE INDEX notifications_by_client ON notifications (recipient_client_id, seq);
CREATE INDEX notifications_by_internal_user ON notifications (recipient_internal_user_id, seq);

-- Events for one person only (notifications): the hub sends them to that
-- person's sockets and to no one else.
ALTER TABLE events ADD COLUMN recipient_id TEXT;
