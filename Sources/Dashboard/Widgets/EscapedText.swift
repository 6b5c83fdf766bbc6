import ClusterSim

extension DashboardSnapshot {
    /// This snapshot as the dashboard draws it: the text that comes from scenarios and recordings
    /// (scenario, tenant, GPU and model names, policy ids, log lines) with its control characters
    /// escaped by `escapingControlCharacters()`, so that a tenant named "\u{1B}[2J" shows as such
    /// instead of reaching the terminal.
    ///
    /// Applied once per frame, where the frame is drawn; the snapshot the reducer sees keeps the
    /// raw ids, which commands such as "add an instance like this one" send back to the simulator.
    public func escapingControlCharacters() -> DashboardSnapshot {
        var s = self
        s.scenario = scenario.escapingControlCharacters()
        s.globalPolicy = globalPolicy.escapingControlCharacters()
        s.localPolicy = localPolicy.escapingControlCharacters()
        s.instances = instances.map { $0.escapingControlCharacters() }
        for i in s.tenants.indices { s.tenants[i].name = tenants[i].name.escapingControlCharacters() }
        for i in s.log.indices { s.log[i].text = log[i].text.escapingControlCharacters() }
        if var d = detail {
            d.row = d.row.escapingControlCharacters()
            d.gpuName = d.gpuName.escapingControlCharacters()
            for i in d.waiting.indices { d.waiting[i].tenant = d.waiting[i].tenant.escapingControlCharacters() }
            for i in d.running.indices { d.running[i].tenant = d.running[i].tenant.escapingControlCharacters() }
            s.detail = d
        }
        return s
    }
}

extension InstanceRow {
    /// This row with its GPU and model ids escaped (see `DashboardSnapshot.escapingControlCharacters`).
    func escapingControlCharacters() -> InstanceRow {
        var row = self
        row.gpu = gpu.escapingControlCharacters()
        row.model = model.escapingControlCharacters()
        return row
    }
}
