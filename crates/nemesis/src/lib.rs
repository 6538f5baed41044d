//! yitu's fault harness: the real server and real desks with a lossy link of the harness's own
//! between them, seeded nemesis runs, and the oracle that checks nothing acknowledged was lost.

pub mod kills;
pub mod link;
pub mod lossy;
pub mod naive;
pub mod oracle;
pub mod pg;
pub mod run;
pub mod world;
