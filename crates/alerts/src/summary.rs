//! Who did what, from where: the columns a responder reads first, taken from a raw record.

use trailhound_event::Event;

/// The headline facts of one CloudTrail record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Time as written (`eventTime`).
    pub time: String,
    /// The acting principal: ARN, else the invoking service, else principal id, else type.
    pub principal: String,
    /// `eventName`.
    pub action: String,
    /// `eventSource`.
    pub service: String,
    /// `sourceIPAddress`.
    pub source_ip: String,
    /// Account the call was made in (`recipientAccountId`, else the identity's account).
    pub account: String,
    /// `awsRegion`.
    pub region: String,
    /// `errorCode`, when the call failed.
    pub error: String,
    /// `userAgent`.
    pub user_agent: String,
}

impl Summary {
    /// Reads the summary fields of a record.
    pub fn of(ev: &Event<'_>) -> Summary {
        let s = |path: &[&str]| ev.raw_str(path).unwrap_or_default().to_owned();
        let principal = [
            ev.raw_str(&["userIdentity", "arn"]),
            ev.raw_str(&["userIdentity", "invokedBy"]),
            ev.raw_str(&["userIdentity", "principalId"]),
            ev.raw_str(&["userIdentity", "type"]),
        ]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
        .unwrap_or("")
        .to_owned();
        let account = ev
            .raw_str(&["recipientAccountId"])
            .or_else(|| ev.raw_str(&["userIdentity", "accountId"]))
            .unwrap_or_default()
            .to_owned();
        Summary {
            time: s(&["eventTime"]),
            principal,
            action: s(&["eventName"]),
            service: s(&["eventSource"]),
            source_ip: s(&["sourceIPAddress"]),
            account,
            region: s(&["awsRegion"]),
            error: s(&["errorCode"]),
            user_agent: s(&["userAgent"]),
        }
    }

    /// `AddPermission20150331v2 by arn:… from 203.0.113.9 (111122223333/us-east-1)`, with
    /// `failed: AccessDenied` when the call failed.
    pub fn sentence(&self) -> String {
        let mut out = if self.action.is_empty() {
            "event".to_owned()
        } else {
            self.action.clone()
        };
        if !self.principal.is_empty() {
            out.push_str(" by ");
            out.push_str(&self.principal);
        }
        if !self.source_ip.is_empty() {
            out.push_str(" from ");
            out.push_str(&self.source_ip);
        }
        if !self.account.is_empty() || !self.region.is_empty() {
            out.push_str(&format!(" ({}/{})", self.account, self.region));
        }
        if !self.error.is_empty() {
            out.push_str(&format!(" failed: {}", self.error));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_a_record() {
        let ev = Event::parse(r#"{"eventTime":"2024-05-01T10:00:00Z","eventName":"AddPermission20150331v2","eventSource":"lambda.amazonaws.com","sourceIPAddress":"203.0.113.9","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob"},"errorCode":"AccessDenied"}"#).expect("valid");
        let s = Summary::of(&ev);
        assert_eq!(s.principal, "arn:aws:iam::111122223333:user/bob");
        assert_eq!(
            s.sentence(),
            "AddPermission20150331v2 by arn:aws:iam::111122223333:user/bob from 203.0.113.9 (111122223333/us-east-1) failed: AccessDenied"
        );
        let svc = Event::parse(r#"{"eventName":"Decrypt","userIdentity":{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}}"#).expect("valid");
        assert_eq!(Summary::of(&svc).principal, "cloudtrail.amazonaws.com");
    }
}
