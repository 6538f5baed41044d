//! A glyph's outline as straight segments in pixels (y up from the baseline): curves are cut
//! into short lines, fine enough that the distance field cannot tell.

/// A segment from `a` to `b`, pixel coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub a: [f32; 2],
    pub b: [f32; 2],
}

/// Collects a glyph's contours from ttf-parser, scaled from font units to pixels.
pub struct Flattened {
    scale: f32,
    start: [f32; 2],
    at: [f32; 2],
    segments: Vec<Segment>,
}

/// Pieces per curve: a quadratic at 24 px spans at most a few pixels, so 8 lines stay within a
/// few hundredths of a pixel of it; cubics bend more.
const QUAD_STEPS: u32 = 8;
const CUBIC_STEPS: u32 = 12;

impl Flattened {
    pub fn new(scale: f32) -> Flattened {
        Flattened {
            scale,
            start: [0.0; 2],
            at: [0.0; 2],
            segments: Vec::new(),
        }
    }

    pub fn finish(self) -> Vec<Segment> {
        self.segments
    }

    fn px(&self, x: f32, y: f32) -> [f32; 2] {
        [x * self.scale, y * self.scale]
    }

    fn line(&mut self, to: [f32; 2]) {
        if to != self.at {
            self.segments.push(Segment { a: self.at, b: to });
        }
        self.at = to;
    }
}

impl ttf_parser::OutlineBuilder for Flattened {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.px(x, y);
        self.start = p;
        self.at = p;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.px(x, y);
        self.line(p);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (p0, p1, p2) = (self.at, self.px(x1, y1), self.px(x, y));
        for i in 1..=QUAD_STEPS {
            let t = i as f32 / QUAD_STEPS as f32;
            let u = 1.0 - t;
            let point = |k: usize| u * u * p0[k] + 2.0 * u * t * p1[k] + t * t * p2[k];
            self.line([point(0), point(1)]);
        }
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (p0, p1, p2, p3) = (self.at, self.px(x1, y1), self.px(x2, y2), self.px(x, y));
        for i in 1..=CUBIC_STEPS {
            let t = i as f32 / CUBIC_STEPS as f32;
            let u = 1.0 - t;
            let point = |k: usize| {
                u * u * u * p0[k]
                    + 3.0 * u * u * t * p1[k]
                    + 3.0 * u * t * t * p2[k]
                    + t * t * t * p3[k]
            };
            self.line([point(0), point(1)]);
        }
    }

    fn close(&mut self) {
        let start = self.start;
        self.line(start);
    }
}
