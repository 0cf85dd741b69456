//! One finding per site: findings of one file whose spans overlap and that name the same old
//! item ([`RawFinding::item`]) are one site. The first reporter (registry order, the order the
//! findings were made in) keeps its message; the others are listed beside it.

use crate::engine::finding::RawFinding;

/// A finding with every transform that reported its site, the first one first.
pub(super) struct Merged {
    pub transforms: Vec<&'static str>,
    pub raw: RawFinding,
}

/// Merges same-site findings, keeping the order of first reports.
pub(super) fn merge_same_site(findings: Vec<(&'static str, RawFinding)>) -> Vec<Merged> {
    let mut merged: Vec<Merged> = Vec::new();
    for (id, raw) in findings {
        let site = merged.iter_mut().find(|m| {
            same_site(&m.raw, &raw) || m.transforms.contains(&id) && repeated(&m.raw, &raw)
        });
        match site {
            Some(m) => {
                m.raw.left_behind |= raw.left_behind;
                if !m.transforms.contains(&id) {
                    m.transforms.push(id);
                }
            }
            None => merged.push(Merged {
                transforms: vec![id],
                raw,
            }),
        }
    }
    merged
}

/// Whether `later` reports the site `earlier` already did: overlapping spans about the same
/// item, or a site left behind inside an earlier report that is not itself one (the earlier
/// finding already tells the user about the code there).
fn same_site(earlier: &RawFinding, later: &RawFinding) -> bool {
    let overlap = earlier.range.start < later.range.end.max(later.range.start + 1)
        && later.range.start < earlier.range.end.max(earlier.range.start + 1);
    let same_item = earlier.item.is_some() && earlier.item == later.item;
    overlap && (same_item || (later.left_behind && !earlier.left_behind))
}

/// The very same finding made again by the same transform (a chain it reads in more than one
/// pass): one report.
fn repeated(earlier: &RawFinding, later: &RawFinding) -> bool {
    earlier.range == later.range
        && earlier.severity == later.severity
        && earlier.message == later.message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::edit::TextRange;
    use crate::engine::finding::Severity;

    fn raw(start: usize, end: usize, item: Option<&str>) -> RawFinding {
        let f = RawFinding::new(TextRange::new(start, end), Severity::Error, "m");
        match item {
            Some(i) => f.about_item(i),
            None => f,
        }
    }

    #[test]
    fn overlapping_findings_about_one_item_merge_in_report_order() {
        let merged = merge_same_site(vec![
            ("first", raw(10, 30, Some("a::b"))),
            ("second", raw(12, 20, Some("a::b"))),
            ("third", raw(40, 50, Some("a::b"))),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].transforms, vec!["first", "second"]);
        assert_eq!(merged[0].raw.range, TextRange::new(10, 30));
        assert_eq!(merged[1].transforms, vec!["third"]);
    }

    #[test]
    fn different_items_or_unnamed_items_stay_apart() {
        let merged = merge_same_site(vec![
            ("first", raw(10, 30, Some("a::b"))),
            ("second", raw(10, 30, Some("a::c"))),
            ("third", raw(10, 30, None)),
            ("fourth", raw(10, 30, None)),
        ]);
        assert_eq!(merged.len(), 4);
    }

    #[test]
    fn a_site_left_behind_folds_into_an_earlier_overlapping_report_only() {
        let merged = merge_same_site(vec![
            ("pipeline", raw(10, 30, None)),
            ("residue", raw(12, 20, Some("a::b")).left_behind()),
            ("residue", raw(40, 50, Some("a::c")).left_behind()),
            ("residue", raw(45, 48, Some("a::d")).left_behind()),
        ]);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].transforms, vec!["pipeline", "residue"]);
        assert!(merged[0].raw.left_behind);
        assert_eq!(merged[0].raw.range, TextRange::new(10, 30));
        assert_eq!(merged[1].raw.item.as_deref(), Some("a::c"));
        assert_eq!(merged[2].raw.item.as_deref(), Some("a::d"));
    }

    #[test]
    fn the_same_finding_made_twice_is_reported_once() {
        let merged = merge_same_site(vec![
            ("pipeline", raw(10, 30, None)),
            ("pipeline", raw(10, 30, None)),
            ("pipeline", raw(10, 31, None)),
            ("other", raw(10, 30, None)),
        ]);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].transforms, vec!["pipeline"]);
    }
}
