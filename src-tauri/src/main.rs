fn main() {
    grantdesk_app::run()
}
