fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(otel_migrate::commands::cli::main())
}
