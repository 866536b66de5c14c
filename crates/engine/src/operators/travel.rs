//! Impossible travel: the same principal seen at two places too far apart for the time
//! between them (Datadog's `impossible_travel` detection method).
//!
//! Per group (the user), the operator remembers the last located event. A new event from a
//! location more than [`TravelSpec::min_distance_km`] away at a speed above
//! [`TravelSpec::max_speed_kmh`] fires. With a baseline, the first `baseline_ms` of each user's
//! activity only learns locations, and afterwards only travel to a location (country and city)
//! not seen before fires. Locations come from GeoIP (`--geoip`); events without one are skipped.
//! Datadog does not publish its speed threshold; 1,000 km/h (faster than an airliner) and a
//! 500 km minimum distance (GeoIP city accuracy) are trailhound's documented defaults.

use super::key_of;
use crate::alert::{Detection, SharedEvent};
use crate::ruleset::{Operator, OperatorFactory, OperatorStats};
use crate::state::{Keyed, StoredEvent};
use serde::{Deserialize, Serialize};
use trailhound_event::Field;

/// An impossible-travel rule's parameters.
#[derive(Clone, Debug)]
pub struct TravelSpec {
    /// The filter (slot) whose events are considered.
    pub filter: usize,
    /// Group-by fields (the user), with names.
    pub group_by: Vec<(String, Field)>,
    /// Latitude, longitude, country and city fields of the event's location.
    pub lat: Field,
    /// Longitude.
    pub lon: Field,
    /// Country name.
    pub country: Field,
    /// City name.
    pub city: Field,
    /// Fastest plausible travel.
    pub max_speed_kmh: f64,
    /// Moves shorter than this never fire.
    pub min_distance_km: f64,
    /// Per-user learning period (`None`: no baseline).
    pub baseline_ms: Option<i64>,
    /// Most users held.
    pub max_keys: usize,
}

/// Factory for [`TravelOperator`].
#[derive(Debug)]
pub struct TravelFactory(pub TravelSpec);

impl OperatorFactory for TravelFactory {
    fn create(&self) -> Box<dyn Operator> {
        Box::new(TravelOperator {
            users: Keyed::new(self.0.max_keys),
            spec: self.0.clone(),
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Place {
    time: i64,
    lat: f64,
    lon: f64,
    name: String,
    event: StoredEvent,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct User {
    first_seen: Option<i64>,
    last: Option<Place>,
    known: Vec<String>,
}

/// The running state of one impossible-travel rule.
#[derive(Debug)]
pub struct TravelOperator {
    spec: TravelSpec,
    users: Keyed<User>,
}

/// Great-circle distance in kilometres.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

impl Operator for TravelOperator {
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        crate::state::save(&&self.users)
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        self.users = crate::state::load_keyed(state)?;
        Ok(())
    }

    fn on_event(&mut self, slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        if slot != self.spec.filter {
            return;
        }
        let Some(t) = ev.time_millis() else { return };
        let num = |f: &Field| f.first(ev).and_then(|v| v.as_f64());
        let (Some(lat), Some(lon)) = (num(&self.spec.lat), num(&self.spec.lon)) else {
            return;
        };
        let text = |f: &Field| f.first(ev).and_then(|v| v.to_text()).unwrap_or_default();
        let name = format!("{}, {}", text(&self.spec.city), text(&self.spec.country));
        let Some(combos) = super::combinations(ev, &self.spec.group_by) else {
            return;
        };
        for values in combos {
            let user = self.users.entry(&key_of(&values), t, User::default);
            let first = *user.first_seen.get_or_insert(t);
            let learning = self.spec.baseline_ms.is_some_and(|b| t < first + b);
            let new_place = !user.known.contains(&name);
            if let Some(prev) = &user.last {
                let km = haversine_km(prev.lat, prev.lon, lat, lon);
                let hours = ((t - prev.time).max(1) as f64) / 3_600_000.0;
                let speed = km / hours;
                let baseline_ok = self.spec.baseline_ms.is_none() || new_place;
                if !learning
                    && baseline_ok
                    && km >= self.spec.min_distance_km
                    && speed > self.spec.max_speed_kmh
                {
                    let group = self
                        .spec
                        .group_by
                        .iter()
                        .zip(&values)
                        .map(|((n, _), v)| (n.clone(), serde_json::json!(v)))
                        .collect();
                    out.push(Detection {
                        time_ms: t,
                        events: vec![prev.event.0.clone(), ev.clone()],
                        group,
                        count: 2,
                        fields: vec![
                            (
                                "impossible_travel.first_location".into(),
                                serde_json::json!(prev.name),
                            ),
                            (
                                "impossible_travel.second_location".into(),
                                serde_json::json!(name),
                            ),
                            (
                                "impossible_travel.distance_km".into(),
                                serde_json::json!(km.round()),
                            ),
                            (
                                "impossible_travel.speed_kmh".into(),
                                serde_json::json!(speed.round()),
                            ),
                        ],
                        ..Detection::default()
                    });
                }
            }
            if new_place && user.known.len() < 256 {
                user.known.push(name.clone());
            }
            user.last = Some(Place {
                time: t,
                lat,
                lon,
                name: name.clone(),
                event: StoredEvent(ev.clone()),
            });
        }
    }

    fn stats(&self) -> OperatorStats {
        self.users.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::sync::Arc;
    use trailhound_event::{Event, View};

    fn ev(t: &str, lat: f64, lon: f64, city: &str) -> SharedEvent {
        let raw = format!(
            r#"{{"eventTime":"{t}","user":"bob","lat":{lat},"lon":{lon},"city":"{city}","country":"X"}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Arc::new(Event::new(Cow::Owned(raw), doc, Default::default()))
    }

    fn op(baseline: Option<i64>) -> TravelOperator {
        let f = |n: &str| View::Raw.resolve(n).field;
        let spec = TravelSpec {
            filter: 0,
            group_by: vec![("user".into(), f("user"))],
            lat: f("lat"),
            lon: f("lon"),
            country: f("country"),
            city: f("city"),
            max_speed_kmh: 1000.0,
            min_distance_km: 500.0,
            baseline_ms: baseline,
            max_keys: 10,
        };
        TravelOperator {
            users: Keyed::new(10),
            spec,
        }
    }

    #[test]
    fn paris_to_new_york_in_an_hour_is_impossible() {
        let mut o = op(None);
        let mut out = Vec::new();
        o.on_event(
            0,
            &ev("2024-01-01T10:00:00Z", 48.85, 2.35, "Paris"),
            &mut out,
        );
        o.on_event(
            0,
            &ev("2024-01-01T11:00:00Z", 40.71, -74.0, "New York"),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        // Ten hours later is a plausible flight.
        o.on_event(
            0,
            &ev("2024-01-01T21:00:00Z", 48.85, 2.35, "Paris"),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert!((haversine_km(48.85, 2.35, 40.71, -74.0) - 5837.0).abs() < 20.0);
    }

    #[test]
    fn baseline_learns_then_flags_new_places_only() {
        let mut o = op(Some(86_400_000));
        let mut out = Vec::new();
        o.on_event(
            0,
            &ev("2024-01-01T10:00:00Z", 48.85, 2.35, "Paris"),
            &mut out,
        );
        o.on_event(
            0,
            &ev("2024-01-01T11:00:00Z", 40.71, -74.0, "New York"),
            &mut out,
        );
        assert!(out.is_empty(), "learning");
        o.on_event(
            0,
            &ev("2024-01-03T10:00:00Z", 48.85, 2.35, "Paris"),
            &mut out,
        );
        o.on_event(
            0,
            &ev("2024-01-03T11:00:00Z", 40.71, -74.0, "New York"),
            &mut out,
        );
        assert!(out.is_empty(), "both places known");
        o.on_event(
            0,
            &ev("2024-01-03T12:00:00Z", 35.68, 139.69, "Tokyo"),
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }
}
