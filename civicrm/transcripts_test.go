package civicrm

// Code generated from ../shared/civicrm/transcripts (real CiviCRM 6.18 answers, verbatim). DO NOT EDIT.

// answer is one recorded HTTP answer.
type answer struct {
	status int
	ctype  string
	body   string
}

// transcriptAnswers returns the recorded answers by transcript number.
func transcriptAnswers() map[int]answer {
	return map[int]answer{
		// 1. Membership.get current members page1 limit10 offset0 with row_count
		1: {200, "application/json", `{"values":[{"id":1,"contact_id":5,"contact_id.display_name":"Alice Member001","contact_id.email_primary.email":"alice.member1@example.org","contact_id.external_identifier":"TU-001","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":2,"contact_id":6,"contact_id.display_name":"Bob Member002","contact_id.email_primary.email":"bob.member2@example.org","contact_id.external_identifier":"TU-002","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":3,"contact_id":7,"contact_id.display_name":"Carol Member003","contact_id.email_primary.email":"carol.member3@example.org","contact_id.external_identifier":"TU-003","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":4,"contact_id":8,"contact_id.display_name":"Dan Member004","contact_id.email_primary.email":"dan.member4@example.org","contact_id.external_identifier":"TU-004","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":5,"contact_id":9,"contact_id.display_name":"Erin Member005","contact_id.email_primary.email":"erin.member5@example.org","contact_id.external_identifier":"TU-005","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":6,"contact_id":10,"contact_id.display_name":"Frank Member006","contact_id.email_primary.email":"frank.member6@example.org","contact_id.external_identifier":"TU-006","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":7,"contact_id":11,"contact_id.display_name":"Grace Member007","contact_id.email_primary.email":"grace.member7@example.org","contact_id.external_identifier":"TU-007","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":8,"contact_id":12,"contact_id.display_name":"Heidi Member008","contact_id.email_primary.email":"heidi.member8@example.org","contact_id.external_identifier":"TU-008","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":9,"contact_id":13,"contact_id.display_name":"Ivan Member009","contact_id.email_primary.email":"ivan.member9@example.org","contact_id.external_identifier":"TU-009","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":10,"contact_id":14,"contact_id.display_name":"Judy Member010","contact_id.email_primary.email":"judy.member10@example.org","contact_id.external_identifier":"TU-010","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"}],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":30,"countFetched":10,"countMatched":30}`},
		// 2. Membership.get current members page2 offset10
		2: {200, "application/json", `{"values":[{"id":11,"contact_id":15,"contact_id.display_name":"Karl Member011","contact_id.email_primary.email":"karl.member11@example.org","contact_id.external_identifier":"TU-011","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":12,"contact_id":16,"contact_id.display_name":"Lena Member012","contact_id.email_primary.email":"lena.member12@example.org","contact_id.external_identifier":"TU-012","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":13,"contact_id":17,"contact_id.display_name":"Mallory Member013","contact_id.email_primary.email":"mallory.member13@example.org","contact_id.external_identifier":"TU-013","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":14,"contact_id":18,"contact_id.display_name":"Niaj Member014","contact_id.email_primary.email":"niaj.member14@example.org","contact_id.external_identifier":"TU-014","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":15,"contact_id":19,"contact_id.display_name":"Olivia Member015","contact_id.email_primary.email":"olivia.member15@example.org","contact_id.external_identifier":"TU-015","membership_type_id:name":"Union Member","status_id:name":"Current","join_date":"2024-11-23","start_date":"2026-05-23","end_date":"2027-05-23"},{"id":16,"contact_id":20,"contact_id.display_name":"Peggy Member016","contact_id.email_primary.email":"peggy.member16@example.org","contact_id.external_identifier":"TU-016","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":17,"contact_id":21,"contact_id.display_name":"Quentin Member017","contact_id.email_primary.email":"quentin.member17@example.org","contact_id.external_identifier":"TU-017","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":18,"contact_id":22,"contact_id.display_name":"Rupert Member018","contact_id.email_primary.email":"rupert.member18@example.org","contact_id.external_identifier":"TU-018","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":19,"contact_id":23,"contact_id.display_name":"Sybil Member019","contact_id.email_primary.email":"sybil.member19@example.org","contact_id.external_identifier":"TU-019","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":20,"contact_id":24,"contact_id.display_name":"Trent Member020","contact_id.email_primary.email":"trent.member20@example.org","contact_id.external_identifier":"TU-020","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"}],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":10,"countFetched":10}`},
		// 3. Membership.get current members page3 offset20
		3: {200, "application/json", `{"values":[{"id":21,"contact_id":25,"contact_id.display_name":"Uma Member021","contact_id.email_primary.email":"uma.member21@example.org","contact_id.external_identifier":"TU-021","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":22,"contact_id":26,"contact_id.display_name":"Victor Member022","contact_id.email_primary.email":"victor.member22@example.org","contact_id.external_identifier":"TU-022","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":23,"contact_id":27,"contact_id.display_name":"Wendy Member023","contact_id.email_primary.email":"wendy.member23@example.org","contact_id.external_identifier":"TU-023","membership_type_id:name":"Union Member","status_id:name":"New","join_date":"2026-10-23","start_date":"2026-10-23","end_date":"2027-10-23"},{"id":24,"contact_id":28,"contact_id.display_name":"Xavier Member024","contact_id.email_primary.email":"xavier.member24@example.org","contact_id.external_identifier":"TU-024","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":25,"contact_id":29,"contact_id.display_name":"Yara Member025","contact_id.email_primary.email":"yara.member25@example.org","contact_id.external_identifier":"TU-025","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":26,"contact_id":30,"contact_id.display_name":"Zoe Member026","contact_id.email_primary.email":"zoe.member26@example.org","contact_id.external_identifier":"TU-026","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":27,"contact_id":31,"contact_id.display_name":"Amir Member027","contact_id.email_primary.email":"amir.member27@example.org","contact_id.external_identifier":"TU-027","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":28,"contact_id":32,"contact_id.display_name":"Bea Member028","contact_id.email_primary.email":"bea.member28@example.org","contact_id.external_identifier":"TU-028","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":29,"contact_id":33,"contact_id.display_name":"Chen Member029","contact_id.email_primary.email":"chen.member29@example.org","contact_id.external_identifier":"TU-029","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":30,"contact_id":34,"contact_id.display_name":"Dara Member030","contact_id.email_primary.email":"dara.member30@example.org","contact_id.external_identifier":"TU-030","membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"}],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":10,"countFetched":10}`},
		// 4. Membership.get current members page4 offset30 empty
		4: {200, "application/json", `{"values":[],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":30,"countFetched":0}`},
		// 8. Contact.getFields for custom group Union_Sync
		8: {200, "application/json", `{"values":[{"name":"Union_Sync.voting_link","data_type":"String","label":"Union Sync: Voting link","input_type":"Url","custom_field_id":1},{"name":"Union_Sync.voting_code","data_type":"String","label":"Union Sync: Voting code","input_type":"Text","custom_field_id":2}],"entity":"Contact","action":"getFields","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":2,"countFetched":2}`},
		// 10. Contact.get verify custom field
		10: {200, "application/json", `{"values":[{"id":5,"display_name":"Alice Member001","Union_Sync.voting_link":"https://vote.example.org/ballot/TU-001?t=abc123","Union_Sync.voting_code":"abc123"}],"entity":"Contact","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1}`},
		// 13. Contact.update where matches nothing
		13: {500, "application/json", `{"error_id":"fD6D-pqRs-4N60","error_code":0,"error_message":"Expected one Contact but found 0","status":500}`},
		// 14. Group.get by name
		14: {200, "application/json", `{"values":[{"id":2,"name":"union_voters","title":"Union Voters"}],"entity":"Group","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1}`},
		// 16. GroupContact.create duplicate same contact+group
		16: {500, "application/json", `{"error_id":"SKkV-N7lu-SUvt","error_code":0,"error_message":"DB Error: already exists","status":500}`},
		// 17. GroupContact.save with match (idempotent add) two records
		17: {200, "application/json", `{"values":[{"id":1,"group_id":2,"contact_id":5,"status":"Added","custom":null,"check_permissions":null},{"id":3,"group_id":2,"contact_id":6,"status":"Added","custom":null,"check_permissions":null,"method":null,"tracking":null}],"entity":"GroupContact","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":2,"countFetched":2,"countMatched":1}`},
		// 19. GroupContact.get members of group
		19: {200, "application/json", `{"values":[{"id":1,"group_id":2,"contact_id":5,"status":"Added"},{"id":3,"group_id":2,"contact_id":6,"status":"Added"}],"entity":"GroupContact","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":2,"countFetched":2}`},
		// 26. RelationshipType.get Officer of
		26: {200, "application/json", `{"values":[{"id":11,"name_a_b":"Officer of","name_b_a":"Has officer","contact_type_a":"Individual","contact_type_b":"Organization"}],"entity":"RelationshipType","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1}`},
		// 27. Relationship.save with match create
		27: {200, "application/json", `{"values":[{"id":1,"contact_id_a":7,"contact_id_b":4,"relationship_type_id":11,"start_date":"20260101","end_date":"20261231","is_active":true,"description":"Branch secretary","is_permission_a_b":0,"is_permission_b_a":0,"created_date":"20261123075623","modified_date":"20261123075623","custom":null,"check_permissions":null}],"entity":"Relationship","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":0}`},
		// 30. Relationship.save with match using type name
		30: {200, "application/json", `{"values":[{"id":2,"contact_id_a":8,"contact_id_b":4,"relationship_type_id":11,"start_date":"20250501","end_date":"NULL","is_active":true,"description":"","is_permission_a_b":0,"is_permission_b_a":0,"created_date":"20261123075626","modified_date":"20261123075626","custom":null,"check_permissions":null}],"entity":"Relationship","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":0}`},
		// 31. Relationship.get officers of Test Union
		31: {200, "application/json", `{"values":[{"id":1,"contact_id_a":7,"contact_id_a.display_name":"Carol Member003","contact_id_b":4,"relationship_type_id:name":"Officer of","start_date":"2026-01-01","end_date":"2027-06-30","is_active":true,"description":"Branch secretary"},{"id":2,"contact_id_a":8,"contact_id_a.display_name":"Dan Member004","contact_id_b":4,"relationship_type_id:name":"Officer of","start_date":"2025-05-01","end_date":null,"is_active":true,"description":""}],"entity":"Relationship","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":2,"countFetched":2}`},
		// 32. Relationship.save end_date in past (ends relationship)
		32: {200, "application/json", `{"values":[{"id":2,"contact_id_a":8,"contact_id_b":4,"relationship_type_id":11,"end_date":"20260131","is_active":false,"custom":null,"check_permissions":null}],"entity":"Relationship","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":1}`},
		// 33. Relationship.save invalid (wrong contact type for type)
		33: {200, "application/json", `{"values":[{"duplicate_id":1,"error_code":"duplicate","id":1}],"entity":"Relationship","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":0}`},
		// 34. Relationship.save wrong contact types fresh pair (org as a, individual as b)
		34: {500, "application/json", `{"error_id":"NC6r-ODgG-Of3n","error_code":0,"error_message":"Invalid Relationship","status":500}`},
		// 35. Membership.get count only (row_count, no rows)
		35: {200, "application/json", `{"values":[],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":30,"countFetched":0,"countMatched":30}`},
		// 36. ERROR bad API key
		36: {401, "text/plain;charset=UTF-8", `HTTP 401 Invalid credential`},
		// 37. ERROR no credentials at all
		37: {403, "application/json", `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: aH6I-aupU-Aq9o)","status":403}`},
		// 40. ERROR missing permission Membership.get as limited user
		40: {403, "application/json", `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: T6bs-7CfE-r6MR)","status":403}`},
		// 41. ERROR missing permission Contact.update as limited user
		41: {403, "application/json", `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: Zo38-V39S-LANz)","status":403}`},
		// 43. ERROR missing permission GroupContact.create as limited user
		43: {403, "application/json", `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: KSEb-Zqo9-KoU1)","status":403}`},
		// 45. ERROR invalid field name in where
		45: {500, "application/json", `{"error_id":"x76x-FVKA-gIHD","error_code":0,"error_message":"Invalid field 'no_such_field'","status":500}`},
		// 47. ERROR invalid field name in orderBy
		47: {500, "application/json", `{"error_id":"Yblj-ku7z-W4EG","error_code":0,"error_message":"Invalid field 'bogus'","status":500}`},
		// 48. ERROR invalid entity
		48: {500, "application/json", `{"error_id":"woui-fn2p-oGv6","error_code":0,"error_message":"API (NoSuchEntity, get) does not exist (or the extension it belongs to is not enabled).","status":500}`},
		// 49. ERROR invalid action
		49: {500, "application/json", `{"error_id":"fq02-7Yoa-tULR","error_code":0,"error_message":"Api Contact frobnicate version 4 does not exist.","status":500}`},
		// 50. ERROR malformed JSON params
		50: {500, "text/html; charset=UTF-8", `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">

<head>
  <title>Error</title>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
</head>
<body>
<style media="screen">
  body {
    background-color: #ffffcc;
  }
  .crm-fatal {
    display: inline-flex;
    gap: 1rem;
    padding: 1rem;
    font-size: 1.25rem;
    font-family: sans-serif;
    background-color: #ffffcc;
  }
  .crm-fatal .crm-fatal-exclamation {
    width: 1.75rem;
    height: 1.75rem;
    margin-top: 0.1rem;
    fill: darkred;
  }
  .crm-fatal .crm-fatal-messages {
    flex-direction: column;
    display: flex;
    align-items: flex-start;
    gap: 1rem;
  }
  .crm-fatal a.btn {
    display: flex;
    align-items: center;
    gap: 0.5rem;

    background-color: darkslategray;
    color: white;
    fill: white;
    text-decoration: none;
    padding: 0.5rem;
    border-radius: 0.5rem;

    font-size: 1rem;
  }
  .crm-fatal a.btn svg {
    width: 1rem;
    height: 1rem;
  }
  .crm-fatal a.btn:hover {
    background-color: black;
  }
</style>
<div id="crm-container" class="crm-container" lang="en" xml:lang="en">
  <div class="crm-fatal">
    <svg class="crm-fatal-exclamation" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 640"><!--!Font Awesome Free v7.1.0 by @fontawesome - https://fontawesome.com License - https://fontawesome.com/license/free Copyright 2026 Fonticons, Inc.--><path d="M320 64C334.7 64 348.2 72.1 355.2 85L571.2 485C577.9 497.4 577.6 512.4 570.4 524.5C563.2 536.6 550.1 544 536 544L104 544C89.9 544 76.8 536.6 69.6 524.5C62.4 512.4 62.1 497.4 68.8 485L284.8 85C291.8 72.1 305.3 64 320 64zM320 416C302.3 416 288 430.3 288 448C288 465.7 302.3 480 320 480C337.7 480 352 465.7 352 448C352 430.3 337.7 416 320 416zM320 224C301.8 224 287.3 239.5 288.6 257.7L296 361.7C296.9 374.2 307.4 384 319.9 384C332.5 384 342.9 374.3 343.8 361.7L351.2 257.7C352.5 239.5 338.1 224 319.8 224z"/></svg>

    <div class="crm-fatal-messages">
      <div class="crm-section crm-error-message">
        array_diff_key(): Argument #2 must be of type array, null given
      </div>
                  <div class="crm-section crm-return-to-home">
        <a class="btn" href="http://127.0.0.1:8765/" title="Main Menu">
          <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 640"><!--!Font Awesome Free v7.1.0 by @fontawesome - https://fontawesome.com License - https://fontawesome.com/license/free Copyright 2026 Fonticons, Inc.--><path d="M341.8 72.6C329.5 61.2 310.5 61.2 298.3 72.6L74.3 280.6C64.7 289.6 61.5 303.5 66.3 315.7C71.1 327.9 82.8 336 96 336L112 336L112 512C112 547.3 140.7 576 176 576L464 576C499.3 576 528 547.3 528 512L528 336L544 336C557.2 336 569 327.9 573.8 315.7C578.6 303.5 575.4 289.5 565.8 280.6L341.8 72.6zM304 384L336 384C362.5 384 384 405.5 384 432L384 528L256 528L256 432C256 405.5 277.5 384 304 384z"/></svg>
          Return home        </a>
      </div>
    </div>
  </div>
</div> </body>
</html>
`},
		// 51. ERROR params not an object (JSON array)
		51: {500, "application/json", `{"error_id":"Hm0M-jQ1F-oEl3","error_code":0,"error_message":"Unknown api parameter: set0","status":500}`},
		// 52. ERROR unknown top-level param
		52: {500, "application/json", `{"error_id":"HFxV-Kzx7-85gg","error_code":0,"error_message":"Unknown api parameter: setSelectt","status":500}`},
		// 53. ERROR where operator invalid
		53: {500, "application/json", `{"error_id":"3XrB-P0we-9SXH","error_code":0,"error_message":"Illegal operator","status":500}`},
		// 55. ERROR invalid date
		55: {200, "application/json", `{"values":[{"id":3,"contact_id_a":9,"contact_id_b":4,"relationship_type_id":11,"start_date":"19700101","end_date":"NULL","is_active":true,"description":"","is_permission_a_b":0,"is_permission_b_a":0,"created_date":"20261123075646","modified_date":"20261123075646","custom":null,"check_permissions":null}],"entity":"Relationship","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":0}`},
		// 56. ERROR nonexistent foreign key (group 99999)
		56: {500, "application/json", `{"error_id":"SejR-NUnS-fQNW","error_code":0,"error_message":"DB Error: constraint violation","status":500}`},
		// 57. ERROR GET for a write action (Contact.update via GET)
		57: {405, "application/json", `{"error_code":405,"error_message":"SECURITY: All requests that modify the database must be http POST, not GET."}`},
		// 60. ERROR Contact.update where matches nothing (core field only)
		60: {500, "application/json", `{"error_id":"tCsl-ba2t-yhHF","error_code":0,"error_message":"Expected one Contact but found 0","status":500}`},
		// 61. GroupContact.update where matches nothing
		61: {200, "application/json", `{"values":[],"entity":"GroupContact","action":"update","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":0,"countFetched":0}`},
		// 64. System.get version info
		64: {500, "application/json", `{"error_id":"JzgA-8TA1-5WCU","error_code":0,"error_message":"Api System get version 4 does not exist.","status":500}`},
		// 66. Contact.save records x3 batched voting_link write
		66: {200, "application/json", `{"values":[{"id":5,"contact_type":"Individual","external_identifier":"TU-001","display_name":"Alice Member001","first_name":"Alice","last_name":"Member001","do_not_email":false,"do_not_phone":false,"do_not_mail":false,"do_not_sms":false,"do_not_trade":false,"is_opt_out":false,"sort_name":"Member001, Alice","preferred_language":"en_US","hash":"b8f2408032f58483441c104d5a9458f5","communication_style_id":1,"email_greeting_id":1,"email_greeting_display":"Dear Alice","postal_greeting_id":1,"postal_greeting_display":"Dear Alice","addressee_id":1,"addressee_display":"Alice Member001","is_deceased":false,"is_deleted":false,"created_date":"2026-11-23 07:55:59","modified_date":"2026-11-23 07:55:59","preferred_mail_format":"Both","Union_Sync.voting_link":null,"custom":null,"check_permissions":null},{"id":6,"contact_type":"Individual","external_identifier":"TU-002","display_name":"Bob Member002","first_name":"Bob","last_name":"Member002","do_not_email":false,"do_not_phone":false,"do_not_mail":false,"do_not_sms":false,"do_not_trade":false,"is_opt_out":false,"sort_name":"Member002, Bob","preferred_language":"en_US","hash":"7d24d96072d57427f980952c267f6fb5","communication_style_id":1,"email_greeting_id":1,"email_greeting_display":"Dear Bob","postal_greeting_id":1,"postal_greeting_display":"Dear Bob","addressee_id":1,"addressee_display":"Bob Member002","is_deceased":false,"is_deleted":false,"created_date":"2026-11-23 07:55:59","modified_date":"2026-11-23 07:55:59","preferred_mail_format":"Both","Union_Sync.voting_link":null,"custom":null,"check_permissions":null},{"id":7,"contact_type":"Individual","external_identifier":"TU-003","display_name":"Carol Member003","first_name":"Carol","last_name":"Member003","do_not_email":false,"do_not_phone":false,"do_not_mail":false,"do_not_sms":false,"do_not_trade":false,"is_opt_out":false,"sort_name":"Member003, Carol","preferred_language":"en_US","hash":"1f9126df3959879ff1bf1f028b4a53fc","communication_style_id":1,"email_greeting_id":1,"email_greeting_display":"Dear Carol","postal_greeting_id":1,"postal_greeting_display":"Dear Carol","addressee_id":1,"addressee_display":"Carol Member003","is_deceased":false,"is_deleted":false,"created_date":"2026-11-23 07:55:59","modified_date":"2026-11-23 07:55:59","preferred_mail_format":"Both","Union_Sync.voting_link":null,"custom":null,"check_permissions":null,"contact_id":null}],"entity":"Contact","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":3,"countFetched":3,"countMatched":3}`},
		// 68. ERROR Contact.save records with one nonexistent contact id
		68: {500, "application/json", `{"error_id":"xRF3-QLIA-g2xX","error_code":0,"error_message":"Expected one Contact but found 0","status":500}`},
		// 69. Group.save match name creates civivote_test_voters
		69: {200, "application/json", `{"values":[{"id":3,"name":"civivote_test_voters","title":"CiviVote Test Voters","group_type":["2"],"created_id":2,"modified_id":2,"frontend_title":"CiviVote Test Voters","custom":null,"check_permissions":null}],"entity":"Group","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":0}`},
		// 70. Group.save match name same again (idempotent)
		70: {200, "application/json", `{"values":[{"id":3,"name":"civivote_test_voters","title":"CiviVote Test Voters","group_type":["2"],"modified_id":2,"custom":null,"check_permissions":null}],"entity":"Group","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":1}`},
		// 71. ERROR Group.save new name but existing title (unique title)
		71: {500, "application/json", `{"error_id":"RDbK-Z5on-dV0a","error_code":0,"error_message":"DB Error: already exists","status":500}`},
		// 72. GroupContact.save match with defaults group_id+status, 3 records
		72: {200, "application/json", `{"values":[{"id":14016,"group_id":3,"contact_id":8,"status":"Added","custom":null,"check_permissions":null},{"id":14017,"group_id":3,"contact_id":9,"status":"Added","custom":null,"check_permissions":null},{"id":14018,"group_id":3,"contact_id":10,"status":"Added","custom":null,"check_permissions":null,"method":null,"tracking":null}],"entity":"GroupContact","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":3,"countFetched":3,"countMatched":0}`},
		// 73. GroupContact.update status Removed for 2 contacts via where IN
		73: {200, "application/json", `{"values":[{"id":14017,"group_id":3,"contact_id":9,"status":"Removed","custom":null,"check_permissions":null},{"id":14018,"group_id":3,"contact_id":10,"status":"Removed","custom":null,"check_permissions":null,"method":null,"tracking":null}],"entity":"GroupContact","action":"update","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":2,"countFetched":2}`},
		// 74. Membership.get keyset page current members id gt 25 limit 5
		74: {200, "application/json", `{"values":[{"id":26,"contact_id":30,"contact_id.display_name":"Zoe Member026","contact_id.is_deleted":false,"membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":27,"contact_id":31,"contact_id.display_name":"Amir Member027","contact_id.is_deleted":false,"membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":28,"contact_id":32,"contact_id.display_name":"Bea Member028","contact_id.is_deleted":false,"membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":29,"contact_id":33,"contact_id.display_name":"Chen Member029","contact_id.is_deleted":false,"membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"},{"id":30,"contact_id":34,"contact_id.display_name":"Dara Member030","contact_id.is_deleted":false,"membership_type_id:name":"Union Member","status_id:name":"Grace","join_date":"2023-11-23","start_date":"2025-11-13","end_date":"2026-11-13"}],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":5,"countFetched":5}`},
		// 76. Membership.get current members contact 20 trashed, with is_deleted false
		76: {200, "application/json", `{"values":[],"entity":"Membership","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":0,"countFetched":0}`},
		// 78. RelationshipType.save match name_a_b Officer of (existing, idempotent)
		78: {200, "application/json", `{"values":[{"id":11,"name_a_b":"Officer of","label_a_b":"Officer of","name_b_a":"Has officer","label_b_a":"Has officer","description":"Union officer","contact_type_a":"Individual","contact_type_b":"Organization","is_active":true,"custom":null,"check_permissions":null}],"entity":"RelationshipType","action":"save","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1,"countMatched":1}`},
		// 79. Relationship.get type 11 to contact 4 is_current true
		79: {200, "application/json", `{"values":[{"id":1,"contact_id_a":7,"contact_id_a.display_name":"Carol Member003","contact_id_b":4,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2027-06-30","is_active":true,"is_current":true,"description":"Branch secretary"},{"id":4,"contact_id_a":19980,"contact_id_a.display_name":"Amir Bulk19926","contact_id_b":4,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2026-12-31","is_active":true,"is_current":true,"description":"rel-percall-1-88696209"},{"id":5,"contact_id_a":19981,"contact_id_a.display_name":"Bea Bulk19927","contact_id_b":4,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2026-12-31","is_active":true,"is_current":true,"description":"rel-percall-1-88696209"},{"id":6,"contact_id_a":19982,"contact_id_a.display_name":"Chen Bulk19928","contact_id_b":4,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2026-12-31","is_active":true,"is_current":true,"description":"rel-percall-1-88696209"},{"id":7,"contact_id_a":19990,"contact_id_a.display_name":"Kemi Bulk19936","contact_id_b":4,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2026-12-31","is_active":true,"is_current":true,"description":"rel-batch-0-620818417"}],"entity":"Relationship","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":5,"countFetched":5}`},
		// 80. CustomField.get for custom group Union_Sync (ids for contact.custom_N token)
		80: {200, "application/json", `{"values":[{"id":1,"custom_group_id":1,"name":"voting_link","label":"Voting link","data_type":"Link","html_type":"Link","is_active":true,"column_name":"voting_link_1","custom_group_id.name":"Union_Sync"},{"id":2,"custom_group_id":1,"name":"voting_code","label":"Voting code","data_type":"String","html_type":"Text","is_active":true,"column_name":"voting_code_2","custom_group_id.name":"Union_Sync"}],"entity":"CustomField","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":2,"countFetched":2}`},
		// 81. Contact.get contact 5 select Union_Sync.voting_link and Union_Sync.*
		81: {200, "application/json", `{"values":[{"id":5,"display_name":"Alice Member001","Union_Sync.voting_link":"https://vote.example.org/ballot/TU-001?t=abc123","Union_Sync.voting_code":"abc123"}],"entity":"Contact","action":"get","debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":1,"countFetched":1}`},
		// 82. ERROR Contact.save 5000 records past max_execution_time
		82: {500, "text/html; charset=UTF-8", ``},
	}
}
