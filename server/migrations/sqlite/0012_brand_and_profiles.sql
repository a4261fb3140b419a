-- The workspace's brand and e-mail settings, chosen by admins: the accent
-- colour of the web app, a logo, the sender name on e-mails (NULL: the brand
-- name) and an optional Reply-To address.
ALTER TABLE workspace ADD COLUMN brand_color TEXT NOT NULL DEFAULT '#2F4AC0';
ALTER TABLE workspace ADD COLUMN logo_image_url TEXT;
ALTER TABLE workspace ADD COLUMN email_sender_name TEXT;
ALTER TABLE workspace ADD COLUMN email_reply_to TEXT;
-- A picture each person may set on their own profile.
ALTER TABLE internal_users ADD COLUMN avatar_image_url TEXT;
ALTER TABLE clients ADD COLUMN avatar_image_url TEXT;
