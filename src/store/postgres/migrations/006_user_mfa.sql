-- Migration 6: a user's MFA state (factors, preferred factor, the sealed
-- software-token secrets, the setup grace) as one JSON value (text, not
-- jsonb: the encoding is the shared SQL core's), NULL for the default
-- state, so every user stored before reads back without MFA; and the
-- remembered device a refresh token is bound to.
-- Never edit a released migration: append a new one.

ALTER TABLE users ADD COLUMN mfa text;
ALTER TABLE refresh_tokens ADD COLUMN device_key text COLLATE "C";
