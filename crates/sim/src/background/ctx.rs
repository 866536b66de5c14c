//! What an API generator sees while it writes one record's parameters and responses.

use crate::ids;
use crate::json::Json;
use crate::record::Body;
use crate::rng::Rng;
use crate::world::{Account, Instance, Principal};

/// The state an API's `fill` function writes into.
pub(crate) struct Ctx<'a> {
    pub(crate) rng: &'a mut Rng,
    pub(crate) body: &'a mut Body,
    pub(crate) acct: &'a Account,
    pub(crate) region: &'a str,
    pub(crate) time: i64,
    /// The caller's application component (workloads), for resource affinity.
    pub(crate) comp: Option<usize>,
    /// The caller's EC2 instance (instance roles).
    pub(crate) instance: Option<&'a Instance>,
    /// The calling IAM user, when it is one.
    pub(crate) user: Option<&'a Principal>,
    /// Set by `fill` when an AWS service makes the call (for itself or on the caller's behalf).
    pub(crate) invoked_by: Option<&'static str>,
    /// Set by `fill` for S3-style request ids.
    pub(crate) s3: bool,
    /// The TLS host header; pre-set to the service endpoint, S3 generators replace it.
    pub(crate) host: &'a mut String,
    /// Scratch text.
    pub(crate) tmp: &'a mut String,
}

impl<'a> Ctx<'a> {
    /// `requestParameters`.
    pub(crate) fn req(&mut self) -> &mut Json {
        &mut self.body.req
    }

    /// `responseElements`.
    pub(crate) fn resp(&mut self) -> &mut Json {
        &mut self.body.resp
    }

    /// `additionalEventData`.
    pub(crate) fn extra(&mut self) -> &mut Json {
        &mut self.body.extra
    }

    /// The account id.
    pub(crate) fn account(&self) -> &'a str {
        &self.acct.id
    }

    /// One item of a resource list, uniformly.
    pub(crate) fn any<'x>(&mut self, list: &'x [String]) -> &'x str {
        list.get(self.rng.index(list.len()))
            .map_or("", String::as_str)
    }

    /// One item of a resource list built per component: usually the caller's own.
    pub(crate) fn mine<'x>(&mut self, list: &'x [String]) -> &'x str {
        match self.comp {
            Some(c) if !list.is_empty() && self.rng.chance(0.85) => &list[c % list.len()],
            _ => self.any(list),
        }
    }

    /// A fresh UUID.
    pub(crate) fn uuid(&mut self) -> ids::Uuid {
        ids::uuid(self.rng)
    }

    /// Writes `n` random characters of `alphabet` into the scratch text and returns it.
    pub(crate) fn chars(&mut self, alphabet: &[u8], n: usize) -> &str {
        self.tmp.clear();
        ids::push_chars(self.tmp, self.rng, alphabet, n);
        self.tmp.as_str()
    }

    /// A plausible STS session token (base64, a few hundred characters).
    pub(crate) fn session_token(&mut self) -> String {
        let mut s = String::from("IQoJb3JpZ2luX2Vj");
        ids::push_chars(&mut s, self.rng, ids::B64, 340);
        s
    }
}
