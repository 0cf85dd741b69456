fn main() -> std::process::ExitCode {
    // Starts the wall clock of `OTEL_MIGRATE_TIMINGS` (a no-op without it).
    otel_migrate::engine::timings::enabled();
    let code = otel_migrate::commands::cli::main();
    // `OTEL_MIGRATE_TIMINGS=1`: the per-phase table, after everything else the command printed.
    if let Some(table) = otel_migrate::engine::timings::report() {
        eprint!("{table}");
    }
    std::process::ExitCode::from(code)
}
