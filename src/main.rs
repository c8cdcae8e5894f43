fn main() {
    std::process::exit(preclin::cli::main());
}
