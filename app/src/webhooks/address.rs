//! Where webhooks may be sent. An endpoint URL is http or https, and unless
//! `EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE=true` its host must resolve to public addresses only: never
//! private, loopback, link-local, unique-local, unspecified, shared or multicast ones, so a
//! webhook cannot be aimed at the server's own network. Checked when an endpoint is added and
//! again at every delivery, after the name is resolved (a name can change what it points to).
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether `ip` is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        // "This network" (0.0.0.0/8) and carrier-grade NAT space (100.64.0.0/10).
        || a == 0
        || (a == 100 && (64..128).contains(&b)))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80)
}

/// Why an address may not be used, or `None` when it may.
fn refusal(ip: IpAddr, allow_private: bool) -> Option<String> {
    (!allow_private && !is_public(ip)).then(|| {
        format!("{ip} is a private, loopback or link-local address; webhooks are sent to public addresses only")
    })
}

/// Reads an endpoint URL: absolute, http or https, with a host and no credentials in it.
pub fn parse_url(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err("The URL is too long (at most 2,000 characters).".into());
    }
    let url = Url::parse(raw).map_err(|_| {
        "Enter the full address of the endpoint, e.g. https://example.com/hooks.".to_string()
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("The URL must start with http:// or https://.".into());
    }
    if url.host().is_none() {
        return Err("The URL must name a host.".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "Leave credentials out of the URL; verify deliveries with the signing secret instead."
                .into(),
        );
    }
    Ok(url)
}

/// Checks that `url` may receive webhooks now: its host is an allowed address, or a name that
/// resolves to allowed addresses only.
pub async fn check(url: &Url, allow_private: bool) -> Result<(), String> {
    let port = url.port_or_known_default().unwrap_or(443);
    let host = url.host_str().ok_or("The URL must name a host.")?;
    // An IPv6 literal is written in brackets.
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match literal.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) if allow_private => return Ok(()),
        Err(_) => resolve(host, port).await?,
    };
    match addrs.iter().find_map(|a| refusal(a.ip(), allow_private)) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

async fn resolve(name: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
        .await
        .map_err(|e| format!("{name} could not be resolved: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{name} resolves to no address"));
    }
    Ok(addrs)
}

/// The resolver deliveries use: a name that resolves to any refused address is not connected
/// to at all, so what was checked is what is connected to.
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addrs = resolve(name.as_str(), 0).await?;
            if let Some(problem) = addrs.iter().find_map(|a| refusal(a.ip(), allow_private)) {
                return Err(format!("{}: {problem}", name.as_str()).into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(ip: &str) -> bool {
        is_public(ip.parse().unwrap())
    }

    #[test]
    fn private_loopback_link_local_and_unspecified_addresses_are_not_public() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!public(ip), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"] {
            assert!(public(ip), "{ip}");
        }
    }

    #[test]
    fn only_absolute_http_and_https_urls_without_credentials_are_read() {
        assert!(parse_url("https://example.com/hooks").is_ok());
        assert!(parse_url(" http://127.0.0.1:8080/x ").is_ok());
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "example.com/hooks",
            "https://user:pw@example.com/",
            "",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn addresses_on_the_servers_own_network_are_refused_unless_allowed() {
        let local = parse_url("http://127.0.0.1:9/hook").unwrap();
        assert!(check(&local, false).await.is_err());
        assert!(check(&local, true).await.is_ok());
        let metadata = parse_url("http://169.254.169.254/latest").unwrap();
        assert!(check(&metadata, false).await.is_err());
        let named = parse_url("http://localhost:9/hook").unwrap();
        assert!(check(&named, false).await.is_err());
        let public = parse_url("https://93.184.216.34/hook").unwrap();
        assert!(check(&public, false).await.is_ok());
    }
}
