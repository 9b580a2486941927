// The webhook's wire format (payload, decoder, signature, times) is its own small module so the fuzz
// targets build without the HTTP stack; everything that imports WhatsApp sees it as before.
@_exported import WhatsAppWire
