/** @lutingenie/adapter-teams: Microsoft Teams on botbuilder (CloudAdapter). */
export const TEAMS_CHANNEL = "teams";
