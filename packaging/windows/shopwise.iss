; Inno Setup 6 script: a per-user Shopwise installer (no admin rights needed), from the one-folder
; PyInstaller build of packaging/shopwise.spec. Run packaging/windows/build_windows.ps1, which
; writes settings.iss from packaging/bundle.py (the one shared list) and then compiles this file.
; Cannot be built on Linux; see packaging/README.md.

#include "settings.iss"

[Setup]
AppId={{8C1D2B5E-4F7A-4E39-9C55-5B0F5D7E6A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppPublisher}
AppComments={#AppComment}
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename={#AppId}-{#AppVersion}-windows-setup
SetupIconFile=..\..\{#AppIcon}
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/ultra64
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
ChangesAssociations=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; the whole PyInstaller folder: dist\shopwise\ (exe, _internal\ with Qt, torch, the model, resources\)
Source: "..\..\dist\{#AppId}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} self-test"; Filename: "{app}\{#AppExe}"; Parameters: "--self-test"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The shop file type, for this user (HKA is HKCU in a per-user install): a double-click opens the shop.
Root: HKA; Subkey: "Software\Classes\{#ShopExt}"; ValueType: string; ValueName: ""; ValueData: "{#AppId}.shop"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ShopExt}"; ValueType: string; ValueName: "Content Type"; ValueData: "{#ShopMime}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#AppId}.shop"; ValueType: string; ValueName: ""; ValueData: "{#ShopTypeName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#AppId}.shop\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#AppId}.shop\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
