import ArgumentParser
import ImageGate

extension CatalogueFormat: ExpressibleByArgument {}

/// How `requirements` prints the catalogue (its own group, beside the command's `--profile`).
struct CatalogueFormatOptions: ParsableArguments {
    @Option(help: "Catalogue format: text, json (schema/requirements.schema.json) or markdown.")
    var format: CatalogueFormat = .text
}
