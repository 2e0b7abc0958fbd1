# from the helpdesk
Add-VpnConnection -Name "Office" -ServerAddress 'vpn.example.com' -TunnelType L2tp `
    -L2tpPsk 'it''s-psk' -AuthenticationMethod MSChapv2,Pap -EncryptionLevel Required -SplitTunneling -RememberCredential -Force -PassThru | Out-Null
Set-VpnConnectionIPsecConfiguration -ConnectionName Office -AuthenticationTransformConstants SHA256128 -CipherTransformConstants AES256 -DHGroup Group14 -EncryptionMethod AES256 -IntegrityCheckMethod SHA256 -PfsGroup PFS24 -Force
Add-VpnConnectionRoute -ConnectionName Office -DestinationPrefix 10.0.0.0/8
Add-VpnConnectionRoute -ConnectionName Office -DestinationPrefix 192.0.2.0/24; Write-Host ok
