fn main() {
    std::process::exit(lambda_doctor::cli::main());
}
