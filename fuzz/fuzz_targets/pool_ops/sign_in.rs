//! The run's sign-in steps: password sign-in, the new-password answer,
//! and the operations that take an access token.

use super::*;

impl Run {
    /// Keeps the access token of a sign-in that just succeeded.
    pub(crate) fn keep_token(&mut self, tokens: AuthenticationResult, user: Name) {
        if tokens.expires_in != ACCESS_TOKEN_SECS.unsigned_abs() || tokens.token_type != "Bearer" {
            self.fail(format_args!(
                "tokens of type {} expire in {} s",
                tokens.token_type, tokens.expires_in
            ));
        }
        let Some(sub) = self.user(user).map(|u| u.sub.clone()) else {
            return;
        };
        let access = tokens.access_token;
        if self.model.tokens.len() == MAX_KEPT {
            self.model.tokens.remove(0);
        }
        self.model.tokens.push(Token {
            access,
            username: user.as_str(),
            sub,
            expires_at_secs: self.model.now / 1000 + ACCESS_TOKEN_SECS,
            revoked: false,
        });
    }

    pub(crate) fn sign_in(&mut self, user: Name, password: Pw) {
        #[derive(Debug)]
        enum Next {
            Tokens,
            NewPasswordRequired,
        }
        let now = self.model.now;
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            // Refused before the password is looked at.
            Some(u) if u.status == Status::Unconfirmed => Err(refuse(ErrorCode::UserNotConfirmed)),
            Some(u) if u.lockout.is_locked(now) => Err(not_authorized(LOCKED)),
            Some(u) => {
                u.lockout.fail(now);
                if u.password != password {
                    Err(not_authorized(INCORRECT))
                } else {
                    u.lockout = Lockout::default();
                    if !u.enabled {
                        Err(not_authorized(DISABLED))
                    } else if u.status == Status::ForceChangePassword {
                        if u.temporary_until.is_some_and(|t| now >= t) {
                            Err(not_authorized(TEMPORARY_EXPIRED))
                        } else {
                            Ok(Next::NewPasswordRequired)
                        }
                    } else {
                        Ok(Next::Tokens)
                    }
                }
            }
        };
        let actual = self.pool.initiate_auth(InitiateAuthRequest::user_password(
            self.client_id.clone(),
            user.as_str(),
            password.as_str(),
        ));
        let Some(response) = self.check(actual, expected.as_ref().map(|_| ()).map_err(|r| *r))
        else {
            return;
        };
        match expected {
            Ok(Next::Tokens) => match (response.challenge_name, response.authentication_result) {
                (None, Some(tokens)) => self.keep_token(tokens, user),
                (challenge, _) => {
                    self.fail(format_args!("expected tokens, got challenge {challenge:?}"))
                }
            },
            Ok(Next::NewPasswordRequired) => {
                match (
                    response.challenge_name,
                    response.session,
                    &response.authentication_result,
                ) {
                    (Some(ChallengeName::NewPasswordRequired), Some(session), None) => {
                        let srp_id = response.challenge_parameters.get("USER_ID_FOR_SRP");
                        if srp_id.map(String::as_str) != Some(user.as_str()) {
                            self.fail(format_args!(
                                "NEW_PASSWORD_REQUIRED with USER_ID_FOR_SRP {srp_id:?}"
                            ));
                        }
                        let Some(sub) = self.user(user).map(|u| u.sub.clone()) else {
                            return;
                        };
                        if self.model.sessions.len() == MAX_KEPT {
                            self.model.sessions.remove(0);
                        }
                        self.model.sessions.push(Session {
                            session,
                            username: user.as_str(),
                            sub,
                            expires_at: now + SESSION_MS,
                            used: false,
                        });
                    }
                    (challenge, _, tokens) => self.fail(format_args!(
                        "expected NEW_PASSWORD_REQUIRED, got challenge {challenge:?} tokens {}",
                        tokens.is_some()
                    )),
                }
            }
            Err(_) => {}
        }
    }

    pub(crate) fn answer_new_password(&mut self, pick: u8, password: Pw) {
        let now = self.model.now;
        let index = (!self.model.sessions.is_empty())
            .then(|| usize::from(pick) % self.model.sessions.len());
        let Some(index) = index else {
            // No session yet: a made-up one is refused.
            let actual = self.pool.respond_to_auth_challenge(
                RespondToAuthChallengeRequest::new(
                    self.client_id.clone(),
                    ChallengeName::NewPasswordRequired,
                    Some("bm90IGEgc2Vzc2lvbg".to_owned()),
                )
                .response("USERNAME", "alice")
                .response("NEW_PASSWORD", password.as_str()),
            );
            self.check(actual, Err(not_authorized(SESSION_INVALID)));
            return;
        };
        let session = self.model.sessions[index].clone();
        let user = self
            .model
            .users
            .get_mut(session.username)
            .filter(|u| u.sub == session.sub);
        let expected = if now >= session.expires_at {
            Err(not_authorized(SESSION_EXPIRED))
        } else {
            match user {
                None => Err(not_authorized(SESSION_INVALID)),
                Some(_) if !password.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
                Some(_) if session.used => Err(not_authorized(SESSION_USED)),
                Some(u) => {
                    // The session is used up from here on, whatever follows.
                    self.model.sessions[index].used = true;
                    if u.status != Status::ForceChangePassword {
                        Err(not_authorized(SESSION_INVALID))
                    } else if !u.enabled {
                        Err(not_authorized(DISABLED))
                    } else if u.temporary_until.is_some_and(|t| now >= t) {
                        Err(not_authorized(TEMPORARY_EXPIRED))
                    } else {
                        u.password = password;
                        u.status = Status::Confirmed;
                        u.temporary_until = None;
                        Ok(())
                    }
                }
            }
        };
        let actual = self.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                self.client_id.clone(),
                ChallengeName::NewPasswordRequired,
                Some(session.session.clone()),
            )
            .response("USERNAME", session.username)
            .response("NEW_PASSWORD", password.as_str()),
        );
        let Some(response) = self.check(actual, expected) else {
            return;
        };
        match (response.challenge_name, response.authentication_result) {
            (None, Some(tokens)) => {
                let name = NAMES
                    .into_iter()
                    .find(|n| n.as_str() == session.username)
                    .unwrap_or(Name::Malformed);
                self.keep_token(tokens, name);
            }
            (challenge, _) => self.fail(format_args!(
                "expected tokens after NEW_PASSWORD_REQUIRED, got {challenge:?}"
            )),
        }
    }

    /// The token `pick` names, or `None` when the run has none.
    pub(crate) fn token(&self, pick: u8) -> Option<Token> {
        (!self.model.tokens.is_empty())
            .then(|| self.model.tokens[usize::from(pick) % self.model.tokens.len()].clone())
    }

    /// What an operation authorised by `token` meets before its own work:
    /// `Ok` with the model user's key, or the refusal.
    pub(crate) fn authorize(&self, token: Option<&Token>) -> Result<&'static str, Refusal> {
        let Some(t) = token else {
            return Err(not_authorized(TOKEN_INVALID));
        };
        if self.model.now / 1000 >= t.expires_at_secs {
            return Err(not_authorized(TOKEN_EXPIRED));
        }
        if t.revoked {
            return Err(not_authorized(TOKEN_REVOKED));
        }
        match self.model.users.get(t.username) {
            Some(u) if u.sub == t.sub => {
                if !u.enabled {
                    Err(not_authorized(TOKEN_REVOKED))
                } else if u.status == Status::Unconfirmed {
                    Err(refuse(ErrorCode::UserNotConfirmed))
                } else {
                    Ok(t.username)
                }
            }
            // Deleted, or deleted and created again: another user.
            _ => Err(refuse(ErrorCode::UserNotFound)),
        }
    }

    pub(crate) fn access(token: Option<&Token>) -> &str {
        token.map_or("not-a-token", |t| t.access.as_str())
    }

    pub(crate) fn get_user(&mut self, pick: u8) {
        let token = self.token(pick);
        let expected = self.authorize(token.as_ref());
        let actual = self.pool.get_user(Self::access(token.as_ref()));
        let Some(response) = self.check(actual, expected.map(|_| ())) else {
            return;
        };
        let Some(u) = expected.ok().and_then(|name| self.model.users.get(name)) else {
            return;
        };
        let attributes: Vec<(String, String)> = response
            .user_attributes
            .into_iter()
            .map(|a| (a.name, a.value))
            .collect();
        let mut wanted = vec![("sub".to_owned(), u.sub.clone())];
        wanted.extend(u.attributes.clone());
        if response.username != expected.unwrap_or_default() || attributes != wanted {
            self.fail(format_args!(
                "GetUser answered {} {attributes:?}, model has {wanted:?}",
                response.username
            ));
        }
    }

    pub(crate) fn change_password(&mut self, pick: u8, previous: Pw, proposed: Pw) {
        let now = self.model.now;
        let token = self.token(pick);
        let authorized = self.authorize(token.as_ref());
        let expected = match authorized {
            Err(r) => Err(r),
            Ok(_) if !proposed.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
            Ok(name) => match self.model.users.get_mut(name) {
                None => Err(refuse(ErrorCode::UserNotFound)),
                Some(u) if u.lockout.is_locked(now) => Err(not_authorized(LOCKED)),
                Some(u) => {
                    u.lockout.fail(now);
                    if u.password == previous {
                        // Status and temporary deadline are left as they are.
                        u.password = proposed;
                        u.lockout = Lockout::default();
                        Ok(())
                    } else {
                        Err(not_authorized(INCORRECT))
                    }
                }
            },
        };
        let actual = self.pool.change_password(ChangePasswordRequest::new(
            Self::access(token.as_ref()),
            previous.as_str(),
            proposed.as_str(),
        ));
        self.check(actual, expected);
    }

    pub(crate) fn global_sign_out(&mut self, pick: u8) {
        let token = self.token(pick);
        let expected = self.authorize(token.as_ref());
        if let Ok(name) = expected
            && let Some(user) = NAMES.into_iter().find(|n| n.as_str() == name)
        {
            self.revoke_tokens_of(user);
        }
        let actual = self.pool.global_sign_out(Self::access(token.as_ref()));
        self.check(actual, expected.map(|_| ()));
    }

    // ----- observations -----
}
