//! What the map draws of the registries: slim features, the clusters of every zoom, and the
//! vector tiles (with the protobuf wire writer they and the glyph ranges share).

pub mod cluster;
pub mod feature;
pub mod protobuf;
pub mod vector_tile;
