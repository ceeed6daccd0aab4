-- Migration 7: a user's MFA state (factors, preferred factor, the sealed
-- software-token secrets, the setup grace) as one JSON value, NULL for
-- the default state, so every user stored before reads back without MFA;
-- and the remembered device a refresh token is bound to.
-- Never edit a released migration: append a new one.

ALTER TABLE users ADD COLUMN mfa TEXT;
ALTER TABLE refresh_tokens ADD COLUMN device_key TEXT;
