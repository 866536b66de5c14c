//! Keyed state with bounds, shared by every stateful operator.
//!
//! Each operator keeps its state per key (a group-by value, a join key, a new-terms
//! combination) in a [`Keyed`] map. The map has a capacity: when a new key would exceed it, the
//! key used least recently (by event time) is evicted and counted. Nothing grows without bound
//! and nothing is dropped silently: operators report [`OperatorStats`] and the run summary
//! prints evictions.
//!
//! State serializes with serde (events as their raw text), so a continuous run can checkpoint
//! it and a key-partitioned stream can move keys between workers.

use crate::alert::SharedEvent;
use crate::ruleset::OperatorStats;
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use trailhound_event::{Event, Origin};

/// Default number of keys an operator may hold.
pub const DEFAULT_MAX_KEYS: usize = 1_000_000;

/// A map from key to state with a capacity and least-recently-used eviction.
#[derive(Debug, Serialize, Deserialize)]
pub struct Keyed<V> {
    entries: HashMap<Box<str>, (i64, V)>,
    #[serde(skip)]
    order: BinaryHeap<Reverse<(i64, Box<str>)>>,
    capacity: usize,
    evictions: u64,
    peak: u64,
}

impl<V> Keyed<V> {
    /// An empty map holding at most `capacity` keys.
    pub fn new(capacity: usize) -> Keyed<V> {
        Keyed {
            entries: HashMap::new(),
            order: BinaryHeap::new(),
            capacity: capacity.max(1),
            evictions: 0,
            peak: 0,
        }
    }

    /// The state of `key`, created with `init` if absent, marked used at `time`. May evict the
    /// least recently used key first.
    pub fn entry(&mut self, key: &str, time: i64, init: impl FnOnce() -> V) -> &mut V {
        if !self.entries.contains_key(key) {
            while self.entries.len() >= self.capacity {
                if !self.evict_one() {
                    break;
                }
            }
            self.entries.insert(key.into(), (time, init()));
            self.order.push(Reverse((time, key.into())));
            self.peak = self.peak.max(self.entries.len() as u64);
        }
        // Present: inserted above if it was missing.
        let slot = self
            .entries
            .get_mut(key)
            .expect("entry exists: inserted above");
        if time > slot.0 {
            slot.0 = time;
            self.order.push(Reverse((time, key.into())));
            // Each touch leaves a stale heap entry behind; compact now and then so the heap
            // stays proportional to the keys, not to the events.
            if self.order.len() > 4 * self.entries.len() + 1024 {
                self.compact();
                // Compaction rebuilt the heap; the entry is still there.
            }
        }
        match self.entries.get_mut(key) {
            Some(slot) => &mut slot.1,
            // Inserted or found above; compaction does not remove entries.
            None => unreachable!("entry exists"),
        }
    }

    /// Entries in the eviction heap, stale ones included (for the bound tests).
    pub fn heap_len(&self) -> usize {
        self.order.len()
    }

    /// The state of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key).map(|(_, v)| v)
    }

    /// The state of `key`, mutably, if present (does not mark it used).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries.get_mut(key).map(|(_, v)| v)
    }

    /// Removes a key.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.entries.remove(key).map(|(_, v)| v)
    }

    /// Removes every key last used before `time`, returning them.
    pub fn expire_before(&mut self, time: i64) -> Vec<(Box<str>, V)> {
        let mut out = Vec::new();
        while let Some(Reverse((t, _))) = self.order.peek() {
            if *t >= time {
                break;
            }
            let Some(Reverse((t, key))) = self.order.pop() else {
                break;
            };
            if self.entries.get(&key).is_some_and(|(last, _)| *last == t)
                && let Some((_, v)) = self.entries.remove(&key)
            {
                out.push((key, v));
            }
        }
        self.compact();
        out
    }

    fn evict_one(&mut self) -> bool {
        while let Some(Reverse((t, key))) = self.order.pop() {
            // Skip stale heap entries (the key was used again later, or removed).
            if self.entries.get(&key).is_some_and(|(last, _)| *last == t) {
                self.entries.remove(&key);
                self.evictions += 1;
                return true;
            }
        }
        false
    }

    /// Rebuilds the eviction order, which a checkpoint does not carry.
    fn restored(mut self) -> Keyed<V> {
        self.order = self
            .entries
            .iter()
            .map(|(k, (t, _))| Reverse((*t, k.clone())))
            .collect();
        self
    }

    /// Drops stale heap entries when the heap has grown far past the map.
    fn compact(&mut self) {
        if self.order.len() > 4 * self.entries.len() + 1024 {
            self.order = self
                .entries
                .iter()
                .map(|(k, (t, _))| Reverse((*t, k.clone())))
                .collect();
        }
    }

    /// Iterates keys and states.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, (_, v))| (&**k, v))
    }

    /// Iterates keys and states mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut V)> {
        self.entries.iter_mut().map(|(k, (_, v))| (&**k, v))
    }

    /// Removes every key for which `keep` is false.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut V) -> bool) {
        self.entries.retain(|k, (_, v)| keep(k, v));
        self.compact();
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keys, peak and evictions.
    pub fn stats(&self) -> OperatorStats {
        OperatorStats {
            keys: self.entries.len() as u64,
            peak_keys: self.peak,
            evictions: self.evictions,
        }
    }

    /// Rebuilds the eviction order after deserialization.
    pub fn restore_order(&mut self) {
        self.order = self
            .entries
            .iter()
            .map(|(k, (t, _))| Reverse((*t, k.clone())))
            .collect();
    }
}

/// Operator state as JSON for a checkpoint ([`crate::Operator::checkpoint`]).
pub fn save<T: Serialize>(state: &T) -> Result<serde_json::Value, String> {
    serde_json::to_value(state).map_err(|e| format!("checkpoint: {e}"))
}

/// Operator state from a checkpoint taken by [`save`].
pub fn load<T: serde::de::DeserializeOwned>(state: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(state).map_err(|e| format!("checkpoint: {e}"))
}

/// A keyed map from a checkpoint, with its eviction order rebuilt.
pub fn load_keyed<V: serde::de::DeserializeOwned>(
    state: serde_json::Value,
) -> Result<Keyed<V>, String> {
    load::<Keyed<V>>(state).map(Keyed::restored)
}

/// Serde for the events of a [`crate::Detection`]: each as its raw text and origin.
pub mod shared_events {
    use super::StoredEvent;
    use crate::alert::SharedEvent;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes the events.
    pub fn serialize<S: Serializer>(events: &[SharedEvent], s: S) -> Result<S::Ok, S::Error> {
        let stored: Vec<StoredEvent> = events.iter().cloned().map(StoredEvent).collect();
        stored.serialize(s)
    }

    /// Deserializes the events.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SharedEvent>, D::Error> {
        let stored: Vec<StoredEvent> = Deserialize::deserialize(d)?;
        Ok(stored.into_iter().map(|e| e.0).collect())
    }
}

/// An event inside operator state; serializes as its raw text and origin.
#[derive(Clone, Debug)]
pub struct StoredEvent(pub SharedEvent);

impl Serialize for StoredEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.0.origin();
        (self.0.raw(), o.source, o.record).serialize(s)
    }
}

impl<'de> Deserialize<'de> for StoredEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (raw, source, record): (String, u32, u64) = Deserialize::deserialize(d)?;
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).map_err(serde::de::Error::custom)?;
        Ok(StoredEvent(Arc::new(Event::new(
            Cow::Owned(raw),
            doc,
            Origin { source, record },
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used_key() {
        let mut k: Keyed<u32> = Keyed::new(2);
        *k.entry("a", 1, || 0) += 1;
        *k.entry("b", 2, || 0) += 1;
        *k.entry("a", 3, || 0) += 1; // a is now newer than b
        *k.entry("c", 4, || 0) += 1; // evicts b
        assert_eq!(k.get("a"), Some(&2));
        assert_eq!(k.get("b"), None);
        assert_eq!(k.get("c"), Some(&1));
        assert_eq!(
            k.stats(),
            OperatorStats {
                keys: 2,
                peak_keys: 2,
                evictions: 1
            }
        );
    }

    #[test]
    fn expires_by_time() {
        let mut k: Keyed<()> = Keyed::new(10);
        k.entry("old", 1, || ());
        k.entry("new", 10, || ());
        k.entry("touched", 2, || ());
        k.entry("touched", 11, || ());
        let gone: Vec<Box<str>> = k.expire_before(5).into_iter().map(|(key, _)| key).collect();
        assert_eq!(gone, vec![Box::from("old")]);
        assert_eq!(k.len(), 2);
    }

    #[test]
    fn state_round_trips_through_serde() {
        let mut k: Keyed<Vec<StoredEvent>> = Keyed::new(10);
        let raw = r#"{"eventName":"X","eventID":"1"}"#;
        let ev = Arc::new(Event::new(
            Cow::Owned(raw.into()),
            sonic_rs::from_str(raw).expect("valid"),
            Origin {
                source: 2,
                record: 7,
            },
        ));
        k.entry("key", 5, Vec::new).push(StoredEvent(ev));
        let json = serde_json::to_string(&k).expect("serializes");
        let mut back: Keyed<Vec<StoredEvent>> = serde_json::from_str(&json).expect("deserializes");
        back.restore_order();
        let evs = back.get("key").expect("present");
        assert_eq!(evs[0].0.raw(), raw);
        assert_eq!(
            evs[0].0.origin(),
            Origin {
                source: 2,
                record: 7
            }
        );
        assert_eq!(back.expire_before(6).len(), 1);
    }
}
