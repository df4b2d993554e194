package net.lorawanns.core.region;

/**
 * The 400 ms dwell-time limits a device of the region applies until a TxParamSetupReq says otherwise (TS001 section
 * 5.12; RP002-1.0.4 AS923 and AU915 sections). Regions without TxParamSetupReq have neither.
 */
public record DwellTime(boolean uplinkDefault, boolean downlinkDefault) {
    static final DwellTime NONE = new DwellTime(false, false);
}
