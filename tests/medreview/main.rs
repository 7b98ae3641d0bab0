//! The integration tests of medreview: one test binary, helpers in
//! `helpers.rs`.

mod batch;
mod commands;
mod critical;
mod directions;
mod helpers;
mod layers;
mod names;
mod packet;
mod readme;
mod records;
mod render;
mod robust;
mod rules;
