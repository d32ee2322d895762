"""Azure pricers (azure-native and classic azure tokens): one module per resource kind."""
