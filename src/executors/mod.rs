//! Executors: what runs the [passes](crate::passes), where, and how many
//! at once.
//!
//! - the [`local`] executor, [`local::run`] (`gleaner run`): every
//!   pass in one process, documents handed over in memory;
//! - the [`sharded`] executor (`gleaner plan`, `gleaner stage`): each pass
//!   as N tasks of the same binary under a cluster scheduler (Slurm array
//!   jobs), handing each other part files in a work directory, on a
//!   shared file system or, through [`remote_work`], on an object store.
//!
//! Both call the same pass functions, so both write the same tables. A
//! `gleaner run` whose estimated memory is over `--max-memory` runs the
//! sharded passes here, one task after another ([`partitioned_run`]).

pub mod exchange;
pub mod grouped_files;
pub mod huge_pages;
pub mod local;
pub mod partitioned_run;
pub mod remote_work;
pub mod scripts;
pub mod sharded;
pub mod sketch_extracts;
pub mod spill;
