//! The five resource layers of the one map.

crate::labelled_enum! {
    /// A resource layer: each is a registry and a layer on the map.
    Layer {
        Teams => ("teams", "救援队伍", "Rescue teams"),
        Experts => ("experts", "专家", "Experts"),
        Depots => ("depots", "物资储备", "Material depots"),
        Shelters => ("shelters", "避难场所", "Shelters"),
        Hazards => ("hazards", "隐患点", "Hazard points"),
    }
}
