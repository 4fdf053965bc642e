//! Pure account rules: roles, password policy, lockout, safe redirects,
//! email and time-zone checks, and one-time tokens.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Role {
    Learner,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Learner, Role::Manager, Role::Admin];

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "learner" => Some(Role::Learner),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Learner => "Learner",
            Role::Manager => "Manager",
            Role::Admin => "L&D admin",
        }
    }
    /// May use `/manage/...`.
    pub fn can_manage(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }
    /// May use `/admin/...`.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 1024;

pub fn check_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(format!(
            "Use at least {MIN_PASSWORD_LEN} characters (this one has {n})."
        ));
    }
    if n > MAX_PASSWORD_LEN {
        return Err("That password is too long.".into());
    }
    Ok(())
}

/// Failed sign-ins per account before it is locked, the window they are
/// counted in, and how long the lock lasts after the last failure.
pub const ACCOUNT_MAX_FAILURES: i64 = 10;
/// Failed sign-ins from one client address (any accounts) before it is refused.
pub const CLIENT_MAX_FAILURES: i64 = 50;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// When the account may try again, if it is locked now.
pub fn locked_until(
    failures_in_window: i64,
    last_failure: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let until = last_failure? + Duration::minutes(FAILURE_WINDOW_MINUTES);
    (failures_in_window >= ACCOUNT_MAX_FAILURES && until > now).then_some(until)
}

/// Whole minutes left, rounded up, for the lockout message.
pub fn minutes_left(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_seconds() + 59).div_euclid(60).max(1)
}

/// `?next=` is followed only when it is a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\')
                && n.len() <= 2000 =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub fn normalize_email(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A deliberately plain check: one `@`, something before it, a dotted domain after it.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && s.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

pub fn is_valid_timezone(tz: &str) -> bool {
    tz.parse::<chrono_tz::Tz>().is_ok()
}

/// A fresh random token (sent to the person) and its hash (stored).
pub fn new_token() -> (String, Vec<u8>) {
    let bytes: [u8; 32] = rand::random();
    let token = hex::encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub const INVITE_DAYS: i64 = 7;
pub const RESET_HOURS: i64 = 1;
pub const SESSION_IDLE_HOURS: i64 = 8;
pub const SESSION_ABSOLUTE_DAYS: i64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_needs_ten_characters() {
        assert!(check_password("short").unwrap_err().contains("10"));
        assert!(check_password("ten chars!").is_ok());
    }

    #[test]
    fn lockout_after_ten_failures_for_fifteen_minutes() {
        let now = Utc::now();
        let last = Some(now - Duration::minutes(1));
        assert_eq!(locked_until(9, last, now), None);
        let until = locked_until(10, last, now).expect("locked");
        assert_eq!(minutes_left(until, now), 14);
        assert_eq!(
            locked_until(10, Some(now - Duration::minutes(16)), now),
            None
        );
        assert_eq!(locked_until(10, None, now), None);
    }

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/admin/people?q=a")), "/admin/people?q=a");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn emails_and_time_zones() {
        assert!(is_valid_email("ana.lopez@example.com"));
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert_eq!(normalize_email("  Ana@Example.COM "), "ana@example.com");
        assert!(is_valid_timezone("Europe/Berlin"));
        assert!(!is_valid_timezone("Mars/Olympus"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), ha);
    }

    #[test]
    fn roles_parse_and_gate() {
        assert_eq!(Role::parse(" Manager "), Some(Role::Manager));
        assert_eq!(Role::parse("boss"), None);
        assert!(Role::Admin.can_manage() && Role::Admin.is_admin());
        assert!(Role::Manager.can_manage() && !Role::Manager.is_admin());
        assert!(!Role::Learner.can_manage());
    }
}
