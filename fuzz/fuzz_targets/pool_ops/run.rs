//! One run: the pool and the model side by side, each operation applied
//! to both and every observable compared.

use super::*;

pub(crate) struct Run {
    pub(crate) pool: UserPool,
    pub(crate) client_id: String,
    pub(crate) clock: ManualClock,
    pub(crate) outbox: Outbox,
    pub(crate) model: Model,
    /// Messages the current step is predicted to send.
    pub(crate) expected_sent: Vec<Sent>,
    /// Messages already checked.
    pub(crate) delivered: usize,
}

impl Run {
    pub(crate) fn new() -> Self {
        let policy = PasswordPolicy::builder()
            .minimum_length(8)
            .require_uppercase(true)
            .require_lowercase(true)
            .require_numbers(true)
            .require_symbols(true)
            .temporary_password_validity_days(7)
            .build()
            .expect("policy");
        let config = PoolConfig::builder("pool-ops")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .case_sensitive(true)
            .password_policy(policy)
            .build()
            .expect("pool config");
        let clock = ManualClock::new(Timestamp::from_unix_seconds(START_SECS));
        let outbox = Outbox::new();
        let pool = UserPool::builder(config)
            .pool_id(POOL_ID)
            .store(Arc::new(MemoryStore::new()))
            .clock(Arc::new(clock.clone()))
            .message_sender(Arc::new(outbox.clone()))
            .hashing(HashingParams::insecure_fast_for_tests())
            .secret_key([0x5a; 32])
            .keys(shared_keys())
            .build()
            .expect("pool");
        let validity = TokenValidity::builder()
            .access_token(60, TokenUnit::Minutes)
            .build()
            .expect("token validity");
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("pool-ops")
                    .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
                    .prevent_user_existence_errors(PreventUserExistenceErrors::Legacy)
                    .token_validity(validity)
                    .auth_session_validity(3)
                    .build()
                    .expect("client config"),
            )
            .expect("client");
        Self {
            pool,
            client_id: client.id().to_owned(),
            clock,
            outbox,
            model: Model {
                now: START_SECS * 1000,
                ..Model::default()
            },
            expected_sent: Vec::new(),
            delivered: 0,
        }
    }

    pub(crate) fn fail(&self, what: fmt::Arguments<'_>) -> ! {
        panic!("{DIVERGENCE}: {what}\noperations:{}", trace_listing());
    }

    /// Compares a result with the prediction; returns the value on agreed success.
    pub(crate) fn check<T: fmt::Debug>(
        &self,
        actual: Result<T, Error>,
        expected: Result<(), Refusal>,
    ) -> Option<T> {
        match (actual, expected) {
            (Ok(v), Ok(())) => Some(v),
            (Err(e), Err((code, message))) => {
                if e.code() != code || message.is_some_and(|m| m != e.message()) {
                    self.fail(format_args!(
                        "expected {} {:?}, got {} {:?}",
                        code.as_str(),
                        message.unwrap_or("(any message)"),
                        e.code().as_str(),
                        e.message()
                    ));
                }
                None
            }
            (Ok(v), Err((code, message))) => self.fail(format_args!(
                "expected {} {:?}, got success {v:?}",
                code.as_str(),
                message.unwrap_or("(any message)")
            )),
            (Err(e), Ok(())) => self.fail(format_args!(
                "expected success, got {} {:?}",
                e.code().as_str(),
                e.message()
            )),
        }
    }

    pub(crate) fn user(&self, name: Name) -> Option<&ModelUser> {
        self.model.users.get(name.as_str())
    }

    pub(crate) fn user_mut(&mut self, name: Name) -> Option<&mut ModelUser> {
        self.model.users.get_mut(name.as_str())
    }

    /// Applies `op` (each repetition of it) and checks the pool after each.
    pub(crate) fn apply(&mut self, op: &Op) {
        let times = match *op {
            Op::ConfirmSignUp { times, .. } | Op::SignIn { times, .. } => times,
            _ => 1,
        };
        for i in 1..=times {
            TRACE.with_borrow_mut(|t| {
                t.push(if times == 1 {
                    format!("{op:?}")
                } else {
                    format!("{op:?} (repetition {i})")
                });
            });
            self.step(op);
            self.check_messages();
            self.check_state();
        }
    }

    pub(crate) fn step(&mut self, op: &Op) {
        match *op {
            Op::SignUp {
                user,
                password,
                ref attributes,
            } => self.sign_up(user, password, &attributes.0),
            Op::ConfirmSignUp {
                user, right_code, ..
            } => self.confirm_sign_up(user, right_code),
            Op::ResendConfirmationCode { user } => self.resend_code(user),
            Op::AdminCreateUser {
                user,
                temporary_password,
                ref attributes,
            } => self.admin_create_user(user, temporary_password, &attributes.0),
            Op::AdminUpdateUserAttributes {
                user,
                ref attributes,
            } => self.admin_update_attributes(user, &attributes.0),
            Op::AdminDeleteUserAttributes { user, ref names } => {
                self.admin_delete_attributes(user, &names.0);
            }
            Op::AdminDeleteUser { user } => self.admin_delete_user(user),
            Op::AdminDisableUser { user } => self.set_enabled(user, false),
            Op::AdminEnableUser { user } => self.set_enabled(user, true),
            Op::AdminSetUserPassword {
                user,
                password,
                permanent,
            } => self.admin_set_password(user, password, permanent),
            Op::AdminConfirmSignUp { user } => self.admin_confirm(user),
            Op::CreateGroup { group } => self.create_group(group),
            Op::DeleteGroup { group } => self.delete_group(group),
            Op::AdminAddUserToGroup { user, group } => self.membership(user, group, true),
            Op::AdminRemoveUserFromGroup { user, group } => self.membership(user, group, false),
            Op::SignIn { user, password, .. } => self.sign_in(user, password),
            Op::AnswerNewPassword { session, password } => {
                self.answer_new_password(session, password);
            }
            Op::GetUser { token } => self.get_user(token),
            Op::ChangePassword {
                token,
                previous,
                proposed,
            } => self.change_password(token, previous, proposed),
            Op::GlobalSignOut { token } => self.global_sign_out(token),
            Op::AdminUserGlobalSignOut { user } => self.admin_global_sign_out(user),
            Op::AdvanceClock { by } => {
                self.clock
                    .advance(Duration::from_secs(by.seconds().unsigned_abs()));
                self.model.now += by.seconds() * 1000;
            }
        }
    }

    // ----- sign-up -----

    pub(crate) fn sign_up(&mut self, user: Name, password: Pw, writes: &[Write]) {
        let username = user.as_str();
        // The client may not write the verified flag or `sub`; then the
        // username, the attributes, the policy, and existence, in that order.
        let expected = if writes
            .iter()
            .any(|w| matches!(w.name(), AttrName::EmailVerified | AttrName::Sub))
        {
            Err(not_authorized(
                "A client attempted to write unauthorized attribute",
            ))
        } else if !user.well_formed() {
            Err(refuse(ErrorCode::InvalidParameter))
        } else {
            match model_create(writes) {
                Err(r) => Err(r),
                Ok(_) if !password.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
                Ok(_) if self.user(user).is_some() => Err(refuse(ErrorCode::UsernameExists)),
                Ok(attributes) => Ok(attributes),
            }
        };
        let mut request = SignUpRequest::new(self.client_id.clone(), username, password.as_str());
        for w in writes {
            request = request.attribute(w.name().as_str(), w.value());
        }
        let actual = self.pool.sign_up(request);
        let Some(response) = self.check(actual, expected.as_ref().map(|_| ()).map_err(|r| *r))
        else {
            return;
        };
        let Ok(attributes) = expected else {
            return;
        };
        if response.user_confirmed {
            self.fail(format_args!("SignUp answered UserConfirmed=true"));
        }
        let email = attributes.get("email").cloned();
        if response.code_delivery_details.is_some() != email.is_some() {
            self.fail(format_args!(
                "SignUp CodeDeliveryDetails {:?} for email {email:?}",
                response.code_delivery_details
            ));
        }
        let now = self.model.now;
        let mut new = ModelUser::new(
            response.user_sub,
            now,
            Status::Unconfirmed,
            password,
            attributes,
        );
        if let Some(email) = email {
            self.expected_sent
                .push((MessageKind::SignUp, username, email.clone()));
            new.sign_up_code = Some(self.new_code(None, email, now));
        }
        self.model.users.insert(username, new);
    }

    /// A sign-up code just delivered to `username`'s `destination`: its value
    /// comes from the outbox (checked by `check_messages` after the step);
    /// its attempt window continues `previous`'s within the hour.
    pub(crate) fn new_code(
        &self,
        previous: Option<&PendingCode>,
        destination: String,
        now: i64,
    ) -> PendingCode {
        let code = self
            .outbox
            .messages()
            .last()
            .map(|m| m.code.expose_secret().to_owned())
            .unwrap_or_default();
        let (window_start, window_tries) = match previous {
            Some(p) if now < p.window_start + TRY_WINDOW_MS => (p.window_start, p.window_tries),
            _ => (now, 0),
        };
        PendingCode {
            code,
            destination,
            expires_at: now + SIGN_UP_CODE_MS,
            tries: 0,
            window_start,
            window_tries,
        }
    }

    pub(crate) fn confirm_sign_up(&mut self, user: Name, right_code: bool) {
        let now = self.model.now;
        let submitted = match self.user(user).and_then(|u| u.sign_up_code.as_ref()) {
            Some(p) if right_code => p.code.clone(),
            Some(p) => wrong_code(&p.code),
            None => "123456".to_owned(),
        };
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) if u.status != Status::Unconfirmed => Err(refuse(ErrorCode::NotAuthorized)),
            Some(u) => {
                let verdict = match &mut u.sign_up_code {
                    None => Err(refuse(ErrorCode::ExpiredCode)),
                    Some(p) if now >= p.expires_at => Err(refuse(ErrorCode::ExpiredCode)),
                    Some(p) => {
                        // Every try in time counts, right or wrong.
                        let (tries, window_tries) = (p.tries, p.window_tries);
                        p.tries += 1;
                        p.window_tries += 1;
                        if tries >= TRIES_PER_CODE || window_tries >= TRIES_PER_WINDOW {
                            Err(refuse(ErrorCode::LimitExceeded))
                        } else if submitted != p.code {
                            Err(refuse(ErrorCode::CodeMismatch))
                        } else {
                            Ok(p.destination.clone())
                        }
                    }
                };
                verdict.map(|destination| {
                    // The code proves the address it went to, if the user
                    // still has it; it is used up.
                    if u.email() == Some(destination.as_str()) {
                        u.attributes
                            .insert("email_verified".to_owned(), "true".to_owned());
                    }
                    u.sign_up_code = None;
                    u.status = Status::Confirmed;
                })
            }
        };
        let actual = self.pool.confirm_sign_up(ConfirmSignUpRequest::new(
            self.client_id.clone(),
            user.as_str(),
            Code::new(submitted),
        ));
        self.check(actual, expected);
    }

    pub(crate) fn resend_code(&mut self, user: Name) {
        let expected = match self.user(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) if u.status != Status::Unconfirmed => Err(refuse(ErrorCode::InvalidParameter)),
            Some(u) if u.email().is_none() => Err(refuse(ErrorCode::InvalidParameter)),
            Some(_) => Ok(()),
        };
        let actual = self
            .pool
            .resend_confirmation_code(ResendConfirmationCodeRequest::new(
                self.client_id.clone(),
                user.as_str(),
            ));
        if self.check(actual, expected).is_none() {
            return;
        }
        let now = self.model.now;
        let Some(u) = self.user(user) else { return };
        let email = u.email().unwrap_or_default().to_owned();
        let code = self.new_code(u.sign_up_code.as_ref(), email.clone(), now);
        self.expected_sent
            .push((MessageKind::ResendCode, user.as_str(), email));
        if let Some(u) = self.user_mut(user) {
            u.sign_up_code = Some(code);
        }
    }

    pub(crate) fn admin_confirm(&mut self, user: Name) {
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) if u.status != Status::Unconfirmed => Err(refuse(ErrorCode::NotAuthorized)),
            Some(u) => {
                // Verifies nothing, and discards the pending code.
                u.status = Status::Confirmed;
                u.sign_up_code = None;
                Ok(())
            }
        };
        let actual = self.pool.admin_confirm_sign_up(user.as_str());
        self.check(actual, expected);
    }

    // ----- admin operations on users -----

    pub(crate) fn admin_create_user(&mut self, user: Name, password: Pw, writes: &[Write]) {
        let username = user.as_str();
        let expected = if !password.meets_policy() {
            Err(refuse(ErrorCode::InvalidPassword))
        } else if !user.well_formed() {
            Err(refuse(ErrorCode::InvalidParameter))
        } else {
            match model_create(writes) {
                Err(r) => Err(r),
                Ok(_) if self.user(user).is_some() => Err(refuse(ErrorCode::UsernameExists)),
                Ok(attributes) => Ok(attributes),
            }
        };
        let mut request = AdminCreateUserRequest::new(username)
            .temporary_password(password.as_str())
            .message_action(MessageAction::Suppress);
        for w in writes {
            request = request.attribute(w.name().as_str(), w.value());
        }
        let actual = self.pool.admin_create_user(request);
        let Some(created) = self.check(actual, expected.as_ref().map(|_| ()).map_err(|r| *r))
        else {
            return;
        };
        let Ok(attributes) = expected else { return };
        let sub = created.attribute("sub").unwrap_or_default().to_owned();
        let now = self.model.now;
        let mut new = ModelUser::new(sub, now, Status::ForceChangePassword, password, attributes);
        new.temporary_until = Some(now + TEMPORARY_PASSWORD_MS);
        self.check_user(&created, &new);
        self.model.users.insert(username, new);
    }

    pub(crate) fn admin_update_attributes(&mut self, user: Name, writes: &[Write]) {
        let mut sent = None;
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) => model_update(&u.attributes, writes).map(|next| {
                let email_changed = u.attributes.get("email") != next.get("email");
                u.attributes = next;
                // A new, unverified email gets a verification code.
                if email_changed && !u.email_verified() {
                    sent = u.email().map(str::to_owned);
                }
            }),
        };
        let attributes = writes
            .iter()
            .map(|w| userpool::schema::Attribute::new(w.name().as_str(), w.value()))
            .collect();
        let actual = self
            .pool
            .admin_update_user_attributes(user.as_str(), attributes);
        if self.check(actual, expected).is_some()
            && let Some(email) = sent
        {
            self.expected_sent
                .push((MessageKind::UpdateUserAttribute, user.as_str(), email));
        }
    }

    pub(crate) fn admin_delete_attributes(&mut self, user: Name, names: &[AttrName]) {
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_)
                if names
                    .iter()
                    .any(|n| matches!(n, AttrName::Sub | AttrName::Unknown)) =>
            {
                Err(refuse(ErrorCode::InvalidParameter))
            }
            Some(u) => {
                for n in names {
                    u.attributes.remove(n.as_str());
                    if *n == AttrName::Email {
                        u.attributes.remove("email_verified");
                    }
                }
                Ok(())
            }
        };
        let names = names.iter().map(|n| n.as_str().to_owned()).collect();
        let actual = self.pool.admin_delete_user_attributes(user.as_str(), names);
        self.check(actual, expected);
    }

    pub(crate) fn admin_delete_user(&mut self, user: Name) {
        let expected = match self.model.users.remove(user.as_str()) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) => Ok(()),
        };
        let actual = self.pool.admin_delete_user(user.as_str());
        self.check(actual, expected);
    }

    /// Revokes every token the user holds now (later ones are not affected).
    pub(crate) fn revoke_tokens_of(&mut self, user: Name) {
        let Some(sub) = self.user(user).map(|u| u.sub.clone()) else {
            return;
        };
        for t in &mut self.model.tokens {
            if t.username == user.as_str() && t.sub == sub {
                t.revoked = true;
            }
        }
    }

    pub(crate) fn set_enabled(&mut self, user: Name, enabled: bool) {
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) => {
                u.enabled = enabled;
                Ok(())
            }
        };
        if expected.is_ok() && !enabled {
            self.revoke_tokens_of(user);
        }
        let actual = if enabled {
            self.pool.admin_enable_user(user.as_str())
        } else {
            self.pool.admin_disable_user(user.as_str())
        };
        self.check(actual, expected);
    }

    pub(crate) fn admin_set_password(&mut self, user: Name, password: Pw, permanent: bool) {
        let now = self.model.now;
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) if !password.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
            Some(u) => {
                u.password = password;
                if permanent {
                    u.status = Status::Confirmed;
                    u.temporary_until = None;
                } else {
                    u.status = Status::ForceChangePassword;
                    u.temporary_until = Some(now + TEMPORARY_PASSWORD_MS);
                }
                Ok(())
            }
        };
        let actual = self.pool.admin_set_user_password(
            AdminSetUserPasswordRequest::new(user.as_str(), Password::new(password.as_str()))
                .permanent(permanent),
        );
        self.check(actual, expected);
    }

    pub(crate) fn admin_global_sign_out(&mut self, user: Name) {
        let expected = match self.user(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) => Ok(()),
        };
        self.revoke_tokens_of(user);
        let actual = self.pool.admin_user_global_sign_out(user.as_str());
        self.check(actual, expected);
    }

    // ----- groups -----

    pub(crate) fn create_group(&mut self, group: GroupName) {
        let expected = if self.model.groups.insert(group) {
            Ok(())
        } else {
            Err(refuse(ErrorCode::GroupExists))
        };
        let actual = self
            .pool
            .create_group(userpool::GroupRequest::new(group.as_str()));
        self.check(actual, expected);
    }

    pub(crate) fn delete_group(&mut self, group: GroupName) {
        let expected = if self.model.groups.remove(&group) {
            for u in self.model.users.values_mut() {
                u.groups.remove(&group);
            }
            Ok(())
        } else {
            Err(refuse(ErrorCode::ResourceNotFound))
        };
        let actual = self.pool.delete_group(group.as_str());
        self.check(actual, expected);
    }

    pub(crate) fn membership(&mut self, user: Name, group: GroupName, add: bool) {
        let group_exists = self.model.groups.contains(&group);
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) if !group_exists => Err(refuse(ErrorCode::ResourceNotFound)),
            Some(u) => {
                if add {
                    u.groups.insert(group);
                } else {
                    u.groups.remove(&group);
                }
                Ok(())
            }
        };
        let actual = if add {
            self.pool
                .admin_add_user_to_group(user.as_str(), group.as_str())
        } else {
            self.pool
                .admin_remove_user_from_group(user.as_str(), group.as_str())
        };
        self.check(actual, expected);
    }

    // ----- sign-in and tokens -----
}
