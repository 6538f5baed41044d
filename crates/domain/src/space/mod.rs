//! Where things are: WGS-84 positions, the coordinate systems Chinese data arrives in, the
//! district's outline, drawn areas, road networks and the map's ruler.

pub mod area;
pub mod crs;
pub mod district;
pub mod measure;
pub mod position;
pub mod road;
