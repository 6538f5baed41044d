//! The signed distance field of an outline: each pixel's distance to the nearest edge, negative
//! inside (non-zero winding), mapped to a byte as MapLibre's text shader reads it.

use crate::outline::Segment;

/// A glyph's field and its box: `left`/`top` are the box's pixel edges relative to the origin
/// (y up), `width`/`height` the ink's size without the border.
pub struct Field {
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub top: i32,
    pub values: Vec<u8>,
}

impl Field {
    /// The field over the outline's pixel box grown by `border` on every side. `radius` is the
    /// distance the bytes span outward, `cutoff` the share of the range outside the edge.
    pub fn of(segments: &[Segment], border: u32, radius: f32, cutoff: f32) -> Field {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for s in segments {
            for p in [s.a, s.b] {
                x0 = x0.min(p[0]);
                y0 = y0.min(p[1]);
                x1 = x1.max(p[0]);
                y1 = y1.max(p[1]);
            }
        }
        let left = x0.floor() as i32;
        let top = y1.ceil() as i32;
        let width = (x1.ceil() as i32 - left).max(1) as u32;
        let height = (top - y0.floor() as i32).max(1) as u32;
        let (w, h) = (width + 2 * border, height + 2 * border);
        let mut values = Vec::with_capacity((w * h) as usize);
        for row in 0..h {
            let y = (top + border as i32) as f32 - row as f32 - 0.5;
            for col in 0..w {
                let x = (left - border as i32) as f32 + col as f32 + 0.5;
                let d = nearest(segments, x, y);
                let signed = if winding(segments, x, y) != 0 { -d } else { d };
                let v = 255.0 * (1.0 - cutoff - signed / radius);
                values.push(v.round().clamp(0.0, 255.0) as u8);
            }
        }
        Field {
            width,
            height,
            left,
            top,
            values,
        }
    }
}

/// Distance from (x, y) to the nearest segment.
fn nearest(segments: &[Segment], x: f32, y: f32) -> f32 {
    let mut best = f32::MAX;
    for s in segments {
        let (dx, dy) = (s.b[0] - s.a[0], s.b[1] - s.a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((x - s.a[0]) * dx + (y - s.a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (px, py) = (s.a[0] + t * dx - x, s.a[1] + t * dy - y);
        best = best.min(px * px + py * py);
    }
    best.sqrt()
}

/// The winding number of the outline around (x, y): fonts fill by non-zero winding.
fn winding(segments: &[Segment], x: f32, y: f32) -> i32 {
    let mut n = 0;
    for s in segments {
        let (a, b) = (s.a, s.b);
        if a[1] <= y {
            if b[1] > y && cross(a, b, x, y) > 0.0 {
                n += 1;
            }
        } else if b[1] <= y && cross(a, b, x, y) < 0.0 {
            n -= 1;
        }
    }
    n
}

/// Which side of the line a→b the point is on (positive: left).
fn cross(a: [f32; 2], b: [f32; 2], x: f32, y: f32) -> f32 {
    (b[0] - a[0]) * (y - a[1]) - (x - a[0]) * (b[1] - a[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<Segment> {
        let c = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
        (0..4)
            .map(|i| Segment {
                a: c[i],
                b: c[(i + 1) % 4],
            })
            .collect()
    }

    #[test]
    fn a_square_is_inside_in_the_middle_and_fades_outside() {
        let f = Field::of(&square(0.0, 0.0, 10.0, 10.0), 3, 8.0, 0.25);
        assert_eq!((f.width, f.height, f.left, f.top), (10, 10, 0, 10));
        let w = 16;
        let at = |c: usize, r: usize| f.values[r * w + c];
        // Centre: 5 px inside → 255·(0.75 + 5/8), clamped.
        assert_eq!(at(8, 8), 255);
        // A pixel centre half a pixel outside the left edge: 255·(0.75 − 0.5/8) = 175.3.
        assert_eq!(at(2, 8), 175);
        // Half a pixel inside: 255·(0.75 + 0.5/8) = 207.2.
        assert_eq!(at(3, 8), 207);
        // 2.5 px outside: 255·(0.75 − 2.5/8) = 111.6.
        assert_eq!(at(0, 8), 112);
    }

    #[test]
    fn winding_counts_either_direction() {
        let mut reversed = square(0.0, 0.0, 4.0, 4.0);
        reversed
            .iter_mut()
            .for_each(|s| std::mem::swap(&mut s.a, &mut s.b));
        assert_ne!(winding(&reversed, 2.0, 2.0), 0);
        assert_eq!(winding(&reversed, 5.0, 2.0), 0);
    }
}
