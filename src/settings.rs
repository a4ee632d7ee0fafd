//! The typed values a config file holds — URLs, durations, non-empty text, commands —
//! each with the message a person needs when theirs is wrong. Both `config` and the
//! providers' settings structs deserialize through these.

use std::fmt;
use std::ops::Deref;
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// What a TOML value is, for "expected …, found …" messages.
struct Found<'a>(de::Unexpected<'a>);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            de::Unexpected::Bool(_) => "boolean",
            de::Unexpected::Signed(_) | de::Unexpected::Unsigned(_) => "integer",
            de::Unexpected::Float(_) => "float",
            de::Unexpected::Str(_) => "string",
            de::Unexpected::Seq => "array",
            de::Unexpected::Map => "table",
            _ => "something else",
        })
    }
}

/// A visitor that accepts only strings and reports anything else as "expected {what},
/// found {kind}".
macro_rules! refuse_non_strings {
    ($what:expr) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected {}, found {}",
                $what,
                Found(de::Unexpected::Bool(v))
            )))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected {}, found {}",
                $what,
                Found(de::Unexpected::Signed(v))
            )))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected {}, found {}",
                $what,
                Found(de::Unexpected::Unsigned(v))
            )))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "expected {}, found {}",
                $what,
                Found(de::Unexpected::Float(v))
            )))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom(format!("expected {}, found array", $what)))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom(format!("expected {}, found table", $what)))
        }
    };
}

/// A string setting that must hold something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                if v.trim().is_empty() {
                    return Err(E::custom("must not be empty"));
                }
                Ok(Text(v.to_string()))
            }
            refuse_non_strings!("a string");
        }
        d.deserialize_any(V)
    }
}

/// A URL setting. Whether its scheme is acceptable depends on the profile (`allow_http`),
/// so `config` checks that once the whole profile is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint(pub Url);

impl Endpoint {
    /// A built-in default, such as MidwayPlus' published base URL.
    pub fn builtin(url: &str) -> Endpoint {
        Endpoint(Url::parse(url).expect("built-in URLs parse"))
    }
}

impl Endpoint {
    /// True for 127.0.0.0/8, ::1, `localhost` and `*.localhost`.
    pub fn is_loopback(&self) -> bool {
        self.host().is_some_and(|h| is_loopback_host(&h))
    }
}

/// `localhost` and `*.localhost`: RFC 6761 keeps them on this machine, and authctl
/// resolves them so without asking DNS.
pub fn is_loopback_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// A loopback address, or a name that stands for one.
pub fn is_loopback_host<S: AsRef<str>>(host: &url::Host<S>) -> bool {
    match host {
        url::Host::Domain(d) => is_loopback_name(d.as_ref()),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

impl Deref for Endpoint {
    type Target = Url;
    fn deref(&self) -> &Url {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Endpoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Text::deserialize(d)?;
        Url::parse(raw.trim())
            .map(Endpoint)
            .map_err(|e| de::Error::custom(format!("invalid URL \"{}\": {e}", without_userinfo(&raw))))
    }
}

/// `raw` with whatever stands between `://` and the last `@` of the authority replaced,
/// for messages about a URL that may hold a password.
pub fn without_userinfo(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://[redacted]{}", &rest[at..]),
        None => raw.to_string(),
    }
}

/// A duration setting in humantime syntax ("30s", "5m", "1h 30m").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period(pub Duration);

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration string such as \"30s\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Period, E> {
                humantime::parse_duration(v.trim()).map(Period).map_err(|e| {
                    E::custom(format!(
                        "invalid duration \"{v}\" ({e}); write e.g. \"30s\", \"5m\" or \"1h 30m\""
                    ))
                })
            }
            refuse_non_strings!("a duration string such as \"30s\"");
        }
        d.deserialize_any(V)
    }
}

/// `secret_command`: an argv array, run without a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argv(pub Vec<String>);

impl<'de> Deserialize<'de> for Argv {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Argv;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of strings")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Argv, A::Error> {
                let mut argv = Vec::new();
                while let Some(item) = seq.next_element::<ArgvItem>()? {
                    argv.push(item.0);
                }
                if argv.first().is_none_or(String::is_empty) {
                    return Err(de::Error::custom(
                        "needs at least the program to run, e.g. [\"pass\", \"show\", \"authctl/mg\"]",
                    ));
                }
                Ok(Argv(argv))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Argv, E> {
                Err(E::custom(
                    "expected an array of strings (the command is run without a shell), found string",
                ))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Argv, E> {
                Err(E::custom("expected an array of strings, found boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Argv, E> {
                Err(E::custom("expected an array of strings, found integer"))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Argv, A::Error> {
                Err(de::Error::custom("expected an array of strings, found table"))
            }
        }
        d.deserialize_any(V)
    }
}

/// One element of an argv: a string, or "expected an array of strings, found a … in it".
struct ArgvItem(String);

impl<'de> Deserialize<'de> for ArgvItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ArgvItem;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ArgvItem, E> {
                Ok(ArgvItem(v.to_string()))
            }
            refuse_non_strings!("an array of strings");
        }
        d.deserialize_any(V)
    }
}

/// The field names a derived `Deserialize` struct accepts, read from the derive itself
/// so that "known keys" lists can never drift from the structs.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Probe {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        base_url: Endpoint,
        client_id: Text,
    }

    #[test]
    fn field_names_come_from_the_derive() {
        assert_eq!(field_names::<Sample>(), ["base_url", "client_id"]);
    }

    fn parse<T: for<'de> Deserialize<'de>>(toml_value: &str) -> Result<T, String> {
        let de = toml::de::ValueDeserializer::parse(toml_value).map_err(|e| e.to_string())?;
        T::deserialize(de).map_err(|e| e.message().to_string())
    }

    #[test]
    fn wrong_values_say_what_was_expected() {
        assert!(
            parse::<Period>("\"30 parsecs\"")
                .unwrap_err()
                .starts_with("invalid duration \"30 parsecs\"")
        );
        assert_eq!(
            parse::<Period>("60").unwrap_err(),
            "expected a duration string such as \"30s\", found integer"
        );
        assert_eq!(parse::<Period>("\"1h 30m\"").unwrap().0, Duration::from_secs(5400));
        assert_eq!(parse::<Text>("\" \"").unwrap_err(), "must not be empty");
        assert!(
            parse::<Endpoint>("\"not a url\"")
                .unwrap_err()
                .starts_with("invalid URL")
        );
        let bad_with_password = parse::<Endpoint>("\"https://me:hunter2@exa mple.com/x\"").unwrap_err();
        assert!(!bad_with_password.contains("hunter2"), "{bad_with_password}");
        assert!(
            parse::<Argv>("\"pass show x\"")
                .unwrap_err()
                .contains("run without a shell")
        );
        assert!(parse::<Argv>("[\"pass\", 1]").unwrap_err().contains("found integer"));
        assert_eq!(parse::<Argv>("[\"pass\", \"show\"]").unwrap().0, ["pass", "show"]);
    }
}
