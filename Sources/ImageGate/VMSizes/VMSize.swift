import Foundation

/// What the `vm-size` requirement needs to know of a VM size.
public struct VMSize: Sendable, Equatable {
    public var name: String
    public var family: String?
    public var vCPUs: Int?
    public var vCPUsPerCore: Int?
    /// `AcceleratedNetworkingEnabled`; nil when the catalogue does not say.
    public var acceleratedNetworking: Bool?

    public init(
        name: String, family: String? = nil, vCPUs: Int? = nil, vCPUsPerCore: Int? = nil,
        acceleratedNetworking: Bool? = nil
    ) {
        self.name = name
        self.family = family
        self.vCPUs = vCPUs
        self.vCPUsPerCore = vCPUsPerCore
        self.acceleratedNetworking = acceleratedNetworking
    }
}

/// A set of VM sizes: from `az vm list-skus --output json` (`--skus FILE`), or the one shipped.
public struct VMSizeCatalogue: Sendable {
    public var sizes: [String: VMSize]
    /// Where it came from, shown in the finding (`--skus FILE`, or the shipped catalogue and its date).
    public var source: String

    public init(sizes: [VMSize], source: String) {
        self.sizes = Dictionary(sizes.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        self.source = source
    }

    public func size(named name: String) -> VMSize? { sizes[name.lowercased()] }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses the JSON printed by `az vm list-skus --all true --resource-type virtualMachines
    /// --output json`: an array of objects with `name`, `family`, `resourceType` and
    /// `capabilities` (`[{ "name": "vCPUs", "value": "4" }, …]`). Other resource types are ignored.
    public static func parse(azureCLIJSON data: Data, source: String) throws -> VMSizeCatalogue {
        guard let array = try JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw ParseError(description: "\(source): expected a JSON array of SKUs (az vm list-skus --output json)")
        }
        var sizes: [VMSize] = []
        for case let sku as [String: Any] in array {
            guard let name = sku["name"] as? String else { continue }
            if let type = sku["resourceType"] as? String, type != "virtualMachines" { continue }
            var caps: [String: String] = [:]
            for case let c as [String: Any] in sku["capabilities"] as? [Any] ?? [] {
                if let n = c["name"] as? String, let v = c["value"] as? String { caps[n] = v }
            }
            sizes.append(
                VMSize(
                    name: name, family: sku["family"] as? String, vCPUs: caps["vCPUs"].flatMap { Int($0) },
                    vCPUsPerCore: caps["vCPUsPerCore"].flatMap { Int($0) },
                    acceleratedNetworking: caps["AcceleratedNetworkingEnabled"].map { $0.lowercased() == "true" }))
        }
        guard !sizes.isEmpty else {
            throw ParseError(description: "\(source): no virtualMachines SKUs in the file")
        }
        return VMSizeCatalogue(sizes: sizes, source: source)
    }
}
