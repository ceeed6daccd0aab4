-- Migration 9: the scopes the OAuth token endpoint granted with a refresh
-- token (cognito-oauth.md §8.4), reproduced by its refreshes; NULL for a
-- token the JSON API issued.
-- Never edit a released migration: append a new one.

ALTER TABLE refresh_tokens ADD COLUMN scope TEXT;
