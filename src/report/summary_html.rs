pub fn render(_s: &super::summary::PeriodSummary) -> String {
    String::new()
}
