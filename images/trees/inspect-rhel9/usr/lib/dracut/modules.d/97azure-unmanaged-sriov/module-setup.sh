#!/bin/bash
install() { inst_rules 10-azure-unmanaged-sriov.rules; }
