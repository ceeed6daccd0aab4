//! After every step: the messages sent and every observable state of the
//! pool, compared with the model.

use super::*;

impl Run {
    /// The messages sent since the last step are exactly those predicted.
    pub(crate) fn check_messages(&mut self) {
        let all = self.outbox.messages();
        let sent: Vec<Sent> = all[self.delivered..]
            .iter()
            .map(|m| {
                let who = NAMES
                    .into_iter()
                    .map(Name::as_str)
                    .find(|n| *n == m.username)
                    .unwrap_or("(unknown)");
                (m.kind, who, m.destination.clone())
            })
            .collect();
        if sent != self.expected_sent {
            self.fail(format_args!(
                "messages sent {sent:?}, model expected {:?}",
                self.expected_sent
            ));
        }
        self.delivered = all.len();
        self.expected_sent.clear();
    }

    pub(crate) fn check_user(&self, actual: &User, model: &ModelUser) {
        let mut attributes = actual
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()));
        let sub = attributes.next();
        let rest: BTreeMap<String, String> = attributes
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        if actual.status.as_str() != model.status.wire_name()
            || actual.enabled != model.enabled
            || actual.created_at.unix_millis() != model.created_at
            || sub != Some(("sub", model.sub.as_str()))
            || rest != model.attributes
        {
            self.fail(format_args!(
                "user {}: engine has {} enabled={} created={} sub={sub:?} {rest:?}; \
                 model has {} enabled={} created={} sub={} {:?}",
                actual.username,
                actual.status.as_str(),
                actual.enabled,
                actual.created_at.unix_millis(),
                model.status.wire_name(),
                model.enabled,
                model.created_at,
                model.sub,
                model.attributes
            ));
        }
    }

    pub(crate) fn check_state(&self) {
        let listed = self
            .pool
            .list_users(ListUsersRequest::default())
            .unwrap_or_else(|e| self.fail(format_args!("ListUsers failed: {e:?}")));
        let names: Vec<&str> = listed.users.iter().map(|u| u.username.as_str()).collect();
        let model_names: Vec<&str> = self.model.users.keys().copied().collect();
        if names != model_names || listed.pagination_token.is_some() {
            self.fail(format_args!(
                "ListUsers has {names:?}, model has {model_names:?}"
            ));
        }
        for u in &listed.users {
            if let Some(m) = self.model.users.get(u.username.as_str()) {
                self.check_user(u, m);
            }
        }
        for name in NAMES {
            let got = self.pool.admin_get_user(name.as_str());
            match (got, self.user(name)) {
                (Ok(u), Some(m)) => self.check_user(&u, m),
                (Err(e), None) if e.code() == ErrorCode::UserNotFound => {}
                (got, m) => self.fail(format_args!(
                    "AdminGetUser {}: engine {:?}, model has the user: {}",
                    name.as_str(),
                    got.map(|u| u.username).map_err(|e| e.code()),
                    m.is_some()
                )),
            }
        }

        let groups = self
            .pool
            .list_groups(None, None)
            .unwrap_or_else(|e| self.fail(format_args!("ListGroups failed: {e:?}")));
        let names: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
        let mut model_groups: Vec<&str> = self.model.groups.iter().map(|g| g.as_str()).collect();
        model_groups.sort_unstable();
        if names != model_groups || groups.next_token.is_some() {
            self.fail(format_args!(
                "ListGroups has {names:?}, model has {model_groups:?}"
            ));
        }
        for (username, m) in &self.model.users {
            let page = self
                .pool
                .admin_list_groups_for_user(username, None, None)
                .unwrap_or_else(|e| {
                    self.fail(format_args!("AdminListGroupsForUser {username}: {e:?}"))
                });
            let names: Vec<&str> = page.groups.iter().map(|g| g.name.as_str()).collect();
            let mut wanted: Vec<&str> = m.groups.iter().map(|g| g.as_str()).collect();
            wanted.sort_unstable();
            if names != wanted {
                self.fail(format_args!(
                    "AdminListGroupsForUser {username}: {names:?}, model has {wanted:?}"
                ));
            }
        }
        for group in GROUPS {
            let got = self.pool.list_users_in_group(group.as_str(), None, None);
            match got {
                Ok(page) if self.model.groups.contains(&group) => {
                    let names: Vec<&str> = page.users.iter().map(|u| u.username.as_str()).collect();
                    let wanted: Vec<&str> = self
                        .model
                        .users
                        .iter()
                        .filter(|(_, u)| u.groups.contains(&group))
                        .map(|(n, _)| *n)
                        .collect();
                    if names != wanted {
                        self.fail(format_args!(
                            "ListUsersInGroup {}: {names:?}, model has {wanted:?}",
                            group.as_str()
                        ));
                    }
                }
                Err(e)
                    if !self.model.groups.contains(&group)
                        && e.code() == ErrorCode::ResourceNotFound => {}
                got => self.fail(format_args!(
                    "ListUsersInGroup {}: engine {:?}, model has the group: {}",
                    group.as_str(),
                    got.map(|p| p.users.len()).map_err(|e| e.code()),
                    self.model.groups.contains(&group)
                )),
            }
        }
    }
}
