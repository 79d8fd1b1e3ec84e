//! OCPP-J 1.6 wire layer.
