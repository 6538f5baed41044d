//! Mapbox Vector Tile 2.1 encoding of point layers: the protobuf bytes MapLibre decodes for a
//! vector source. Only what the map's resource layers need (points with attributes) is written.

use crate::map::protobuf::{bytes, packed, uint, zigzag, zigzag64};
use std::collections::HashMap;

/// An attribute value, in the tile's typed form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TileValue {
    Text(String),
    Int(i64),
    Bool(bool),
}

impl From<&str> for TileValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<String> for TileValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<i64> for TileValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<u32> for TileValue {
    fn from(v: u32) -> Self {
        Self::Int(i64::from(v))
    }
}

impl From<bool> for TileValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

/// One named layer of a tile, its points added one by one. Keys and values are shared by all
/// its features, as the format asks (a layer of 500 teams names "status" once).
#[derive(Debug)]
pub struct TileLayer {
    name: String,
    extent: u32,
    keys: Vec<String>,
    values: Vec<TileValue>,
    /// Where each value already stands in `values` (a dense tile has thousands of names).
    value_index: HashMap<TileValue, u32>,
    features: Vec<Vec<u8>>,
}

impl TileLayer {
    /// An empty layer whose coordinates run over `0..extent` on each axis.
    pub fn new(name: &str, extent: u32) -> Self {
        Self {
            name: name.to_owned(),
            extent,
            keys: Vec::new(),
            values: Vec::new(),
            value_index: HashMap::new(),
            features: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Adds a point at tile coordinates (`x` rightwards, `y` downwards) with its attributes.
    pub fn add_point(&mut self, x: i32, y: i32, attributes: &[(&str, TileValue)]) {
        let mut tags = Vec::with_capacity(attributes.len() * 2);
        for (key, value) in attributes {
            let k = match self.keys.iter().position(|k| k == key) {
                Some(i) => i,
                None => {
                    self.keys.push((*key).to_owned());
                    self.keys.len() - 1
                }
            };
            tags.push(u32::try_from(k).expect("a handful of keys"));
            let next = u32::try_from(self.values.len()).expect("fewer than 2^32 values");
            let v = *self.value_index.entry(value.clone()).or_insert_with(|| {
                self.values.push(value.clone());
                next
            });
            tags.push(v);
        }
        let mut feature = Vec::new();
        packed(&mut feature, 2, &tags);
        // Geometry type POINT, then one MoveTo of one point: the command (id 1, count 1) and
        // the zigzagged position.
        uint(&mut feature, 3, 1);
        packed(&mut feature, 4, &[9, zigzag(x), zigzag(y)]);
        self.features.push(feature);
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let mut layer = Vec::new();
        uint(&mut layer, 15, 2); // version
        bytes(&mut layer, 1, self.name.as_bytes());
        for f in &self.features {
            bytes(&mut layer, 2, f);
        }
        for k in &self.keys {
            bytes(&mut layer, 3, k.as_bytes());
        }
        for v in &self.values {
            let mut value = Vec::new();
            match v {
                TileValue::Text(s) => bytes(&mut value, 1, s.as_bytes()),
                TileValue::Int(i) => uint(&mut value, 6, zigzag64(*i)),
                TileValue::Bool(b) => uint(&mut value, 7, u64::from(*b)),
            }
            bytes(&mut layer, 4, &value);
        }
        uint(&mut layer, 5, u64::from(self.extent));
        bytes(out, 3, &layer);
    }
}

/// The tile of these layers (empty layers left out), as protobuf bytes.
pub fn encode(layers: &[TileLayer]) -> Vec<u8> {
    let mut out = Vec::new();
    for layer in layers.iter().filter(|l| !l.is_empty()) {
        layer.encode(&mut out);
    }
    out
}
